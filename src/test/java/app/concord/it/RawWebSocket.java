package app.concord.it;

import jakarta.json.JsonObject;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket client written by hand over a plain {@link Socket} (RFC 6455, just enough of
 * it), for what the client library will not do: a peer that stops reading while its TCP
 * receive window is small, one frame of several megabytes as a browser sends a paste,
 * malformed or hand-made frames, handshakes with chosen headers, and looking at the frames
 * and close codes the server sends. Every well-behaved client in the tests is the library's
 * ({@link ServerUnderTest#join}). Nothing is read unless the test calls {@link #read} or
 * one of the methods that wait for a message; the text frames read are kept for
 * {@link #received()}. Reading and writing may happen on two threads, not more.
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

        /** The reason phrase of a close frame. */
        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final OutputStream out;
    private DataInputStream in;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    /** The server's close frame, once read. */
    private volatile Frame closeFrame;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes the opening handshake; {@code receiveBuffer} (bytes, 0 for the
     * system's default) is set before connecting, so the TCP window starts small.
     */
    static RawWebSocket open(String host, int port, String path, int receiveBuffer, Duration timeout) throws IOException {
        return open(host, port, path, receiveBuffer, Map.of(), timeout);
    }

    /** As {@link #open(String, int, String, int, Duration)}, with {@code headers} added to the handshake request. */
    static RawWebSocket open(String host, int port, String path, int receiveBuffer, Map<String, String> headers,
            Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            RawWebSocket ws = new RawWebSocket(socket);
            ws.handshake(host, port, path, headers);
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(String host, int port, String path, Map<String, String> headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", host + ":" + port);
        all.putAll(headers);
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
        all.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key)
                .append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
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
            throw new HandshakeRefusedException(head.toString());
        }
        in = new DataInputStream(new BufferedInputStream(raw, 65_536));
    }

    /** The server answered the opening handshake with something other than 101 Switching Protocols. */
    static final class HandshakeRefusedException extends IOException {
        final int status;

        HandshakeRefusedException(String response) {
            super("handshake refused: " + response);
            String[] statusLine = response.split(" ", 3);
            int parsed;
            try {
                parsed = statusLine.length >= 2 ? Integer.parseInt(statusLine[1]) : -1;
            } catch (NumberFormatException e) {
                parsed = -1;
            }
            status = parsed;
        }
    }

    /**
     * The status code of a handshake to {@code path} with {@code headers} (Host, Origin, ...):
     * 101 when the server accepted it, which then ends the connection without a close frame.
     */
    static int handshakeStatus(String host, int port, String path, Map<String, String> headers, Duration timeout)
            throws IOException {
        try (RawWebSocket accepted = open(host, port, path, 0, headers, timeout)) {
            return 101;
        } catch (HandshakeRefusedException refused) {
            return refused.status;
        }
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
    synchronized void send(int opcode, byte[] payload) throws IOException {
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
        Frame frame = new Frame(b0 & 0x0f, payload);
        if (frame.opcode() == TEXT) {
            received.add(frame.text());
        } else if (frame.opcode() == CLOSE) {
            closeFrame = frame;
        }
        return frame;
    }

    /**
     * The next message whose {@code "type"} is {@code type}, waiting up to {@code timeout} in
     * all; messages of other types before it are skipped.
     *
     * @throws AssertionError when none comes in time or the server closes first
     * @throws EOFException   when the server ends the TCP connection without a close frame
     */
    JsonObject await(String type, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            Frame frame;
            try {
                frame = read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no \"" + type + "\" within " + timeout + "; skipped " + clip(skipped.toString()), e);
            }
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("closed with " + frame.closeCode() + " " + frame.closeReason() + " before a \""
                        + type + "\"; skipped " + clip(skipped.toString()));
            }
            if (frame.opcode() == TEXT) {
                JsonObject message = ServerUnderTest.parse(frame.text());
                if (type.equals(message.getString("type", null))) {
                    return message;
                }
            }
            skipped.add(frame.opcode() == TEXT ? frame.text() : "<frame " + frame.opcode() + ">");
        }
    }

    /**
     * Reads until the server's close frame and returns it, skipping the messages before it.
     *
     * @throws AssertionError when no close frame comes within {@code timeout}, or the TCP
     *                        connection ends without one
     */
    Frame awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (closeFrame == null) {
            try {
                read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("not closed within " + timeout + "; received " + clip(received().toString()), e);
            } catch (EOFException e) {
                throw new AssertionError("the connection ended without a close frame; received " + clip(received().toString()), e);
            }
        }
        return closeFrame;
    }

    /** Asserts that the server sends nothing for {@code window}. */
    void expectSilence(Duration window) throws IOException {
        try {
            Frame frame = read(window);
            throw new AssertionError("expected nothing within " + window + " but got "
                    + (frame.opcode() == TEXT ? frame.text() : "a frame " + frame.opcode()));
        } catch (SocketTimeoutException expected) {
            // silence
        }
    }

    /** Ends the connection properly: a close frame, then the server's, briefly waited for. */
    void closeGracefully(Duration timeout) throws IOException {
        try {
            send(CLOSE, new byte[] {(byte) (1000 >> 8), (byte) (1000 & 0xff)});
            awaitClose(timeout);
        } finally {
            close();
        }
    }

    /** Every text frame read so far, in order. */
    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The server's close frame, or null while none has been read. */
    Frame closeFrame() {
        return closeFrame;
    }

    /** Closes the TCP connection without a close frame. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** {@code s}, cut to 300 characters for a failure message. */
    static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
    }
}
