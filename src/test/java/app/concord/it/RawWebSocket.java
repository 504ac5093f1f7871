package app.concord.it;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client written by hand over a plain {@link Socket} (RFC 6455, just enough of
 * it), for what a WebSocket library will not do: a peer that stops reading while its TCP
 * receive window is small, or one frame of several megabytes, as a browser sends a paste.
 * Nothing is read unless the test calls {@link #read}.
 */
final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;

    /** A frame from the server: its opcode and payload; for a close frame, {@link #closeCode()}. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final OutputStream out;
    private DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes the opening handshake; {@code receiveBuffer} (bytes, 0 for the
     * system's default) is set before connecting, so the TCP window starts small.
     */
    static RawWebSocket open(String host, int port, String path, int receiveBuffer, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            RawWebSocket ws = new RawWebSocket(socket);
            ws.handshake(host, port, path);
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(String host, int port, String path) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Byte by byte up to the blank line: whatever follows belongs to the frames.
        InputStream raw = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0 || head.length() > 8_192) {
                throw new IOException("no handshake response: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101") || !head.toString().contains(accept(key))) {
            throw new IOException("handshake refused: " + head);
        }
        in = new DataInputStream(new BufferedInputStream(raw, 65_536));
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one complete frame, masked as every client frame must be. */
    void send(int opcode, byte[] payload) throws IOException {
        int n = payload.length;
        ByteBuffer frame = ByteBuffer.allocate(14 + n);
        frame.put((byte) (0x80 | opcode));
        if (n < 126) {
            frame.put((byte) (0x80 | n));
        } else if (n < 65_536) {
            frame.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(n);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < n; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    /**
     * The next frame, waiting up to {@code timeout} for it to begin.
     *
     * @throws EOFException           when the server closed the TCP connection
     * @throws SocketTimeoutException when nothing came in time
     */
    Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long n = b1 & 0x7f;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        if ((b1 & 0x80) != 0 || n > 64L << 20) {
            throw new IOException("unexpected frame header " + b0 + " " + b1 + " length " + n);
        }
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** Closes the TCP connection without a close frame. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
