package app.concord.documents.control;

import app.concord.collab.Commit;
import app.concord.ot.Authorship;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Revision;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Batches of commits appended to files in a folder of their own, so that a batch is in the
 * file system (and survives a crash of the process) before the database has it; see
 * {@link WriteBehind}. The folder holds numbered segments ({@code 17.journal}); new batches
 * go to the newest, which {@link #seal()} closes for a next one, and segments are deleted
 * once the database holds what they hold. A lock file makes the folder one store's at a time.
 *
 * <p>A record is its length (4 bytes), the CRC-32 of its body (4 bytes) and the body: the
 * commit time, then each commit's document, revision, client, seq, operation (as
 * {@link JsonCodec} writes it), author, inserted authorship, snapshot, snapshot authorship
 * and checkpoint flag. A record cut short by a crash, or damaged, ends its segment:
 * {@link #recover} reads every segment up to that point.
 *
 * <p>Not thread-safe: the caller serializes {@link #append}, {@link #seal} and
 * {@link #deleteSealed}.
 */
final class CommitJournal implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CommitJournal.class.getName());

    private static final Pattern SEGMENT = Pattern.compile("(\\d{1,18})\\.journal");

    /** A record's header: length and CRC-32. */
    private static final int HEADER_BYTES = 8;

    /** The largest record read back; larger lengths are damage. */
    private static final int MAX_RECORD_BYTES = 1 << 30;

    /** One batch as it was appended. */
    record Batch(List<Commit> commits, long createdMillis) {
    }

    private final Path folder;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final List<Path> sealed = new ArrayList<>();
    private long number;
    private Path current;
    private FileChannel channel;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    private final CRC32 crc = new CRC32();

    private CommitJournal(Path folder, FileChannel lockFile, FileLock lock, List<Path> existing, long next) {
        this.folder = folder;
        this.lockFile = lockFile;
        this.lock = lock;
        this.sealed.addAll(existing);
        this.number = next;
    }

    /**
     * Opens the journal in {@code folder}, making it if need be, and takes it for this store:
     * the batches of segments left by an earlier run (in order) are returned by
     * {@link #recovered()}, and their segments are sealed.
     *
     * @throws IOException when the folder cannot be made or read, or another store holds it
     */
    static CommitJournal open(Path folder) throws IOException {
        Files.createDirectories(folder);
        FileChannel lockFile = FileChannel.open(folder.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            lockFile.close();
            throw e;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException("the commit journal " + folder + " is in use by another store (another server on the same data folder?)");
        }
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(file -> {
                Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches()) {
                    segments.put(Long.parseLong(m.group(1)), file);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            lock.release();
            lockFile.close();
            throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        }
        long next = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        return new CommitJournal(folder, lockFile, lock, new ArrayList<>(segments.values()), next);
    }

    /** The batches in the segments an earlier run left, oldest first. */
    List<Batch> recovered() throws IOException {
        List<Batch> batches = new ArrayList<>();
        for (Path segment : sealed) {
            read(segment, batches);
        }
        return batches;
    }

    /** The folder, for messages. */
    Path folder() {
        return folder;
    }

    /**
     * Appends {@code batch} to the newest segment: when this returns, the batch is in the
     * file system. When it throws, the segment is as it was before.
     */
    void append(List<Commit> batch, long createdMillis) throws IOException {
        ByteBuffer record = encode(batch, createdMillis);
        if (channel == null) {
            current = folder.resolve(number + ".journal");
            channel = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        long before = channel.size();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
                // A torn record ends the segment when it is read back, and with it every
                // later one: start a new segment for those.
                seal();
            }
            throw e;
        }
    }

    /** Forces what was appended to the disk (a power failure takes nothing appended before). */
    void force() throws IOException {
        if (channel != null) {
            channel.force(false);
        }
    }

    /** The newest segment's channel, null when none is open; for forcing it to the disk from another thread. */
    FileChannel channel() {
        return channel;
    }

    /** Closes the newest segment: later batches go to a new one, and {@link #deleteSealed} may delete it. */
    void seal() throws IOException {
        if (channel == null) {
            return;
        }
        FileChannel closing = channel;
        channel = null;
        sealed.add(current);
        number++;
        closing.close();
    }

    /** Deletes the sealed segments: the database holds every batch they hold. */
    void deleteSealed() throws IOException {
        while (!sealed.isEmpty()) {
            Files.deleteIfExists(sealed.get(0));
            sealed.remove(0);
        }
    }

    /** Lets the folder go; the segments stay for the next {@link #open}. */
    @Override
    public void close() throws IOException {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } finally {
            try {
                lock.release();
            } finally {
                lockFile.close();
            }
        }
    }

    private ByteBuffer encode(List<Commit> batch, long createdMillis) {
        buffer.reset();
        try {
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeLong(0); // the header, filled in below
            out.writeLong(createdMillis);
            out.writeInt(batch.size());
            StringBuilder json = new StringBuilder();
            for (Commit commit : batch) {
                Revision r = commit.revision();
                writeString(out, commit.docId());
                out.writeInt(r.rev());
                writeString(out, r.client());
                out.writeLong(r.seq());
                json.setLength(0);
                JsonCodec.operation(r.operation(), json);
                writeString(out, json.toString());
                writeString(out, r.author());
                writeString(out, r.inserted() == null ? null : JsonCodec.encodeAuthorship(r.inserted()));
                writeString(out, commit.snapshot());
                writeString(out, commit.authorship() == null ? null : JsonCodec.encodeAuthorship(commit.authorship()));
                out.writeBoolean(commit.checkpoint());
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        ByteBuffer record = ByteBuffer.wrap(buffer.toByteArray());
        int bodyLength = record.limit() - HEADER_BYTES;
        crc.reset();
        crc.update(record.array(), HEADER_BYTES, bodyLength);
        record.putInt(0, bodyLength);
        record.putInt(4, (int) crc.getValue());
        return record;
    }

    /** Adds the batches of {@code segment} up to its end or its first record cut short or damaged. */
    private static void read(Path segment, List<Batch> batches) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CRC32 crc = new CRC32();
        while (in.remaining() >= HEADER_BYTES) {
            int start = in.position();
            int length = in.getInt();
            int expected = in.getInt();
            if (length < 0 || length > MAX_RECORD_BYTES || length > in.remaining()) {
                warnDamaged(segment, start, bytes.length);
                return;
            }
            crc.reset();
            crc.update(bytes, in.position(), length);
            if ((int) crc.getValue() != expected) {
                warnDamaged(segment, start, bytes.length);
                return;
            }
            try {
                batches.add(decode(new DataInputStream(new java.io.ByteArrayInputStream(bytes, in.position(), length))));
            } catch (IOException | RuntimeException e) {
                throw new IOException("record at byte " + start + " of " + segment + " passes its check but cannot be read: " + e.getMessage(), e);
            }
            in.position(in.position() + length);
        }
        if (in.hasRemaining()) {
            warnDamaged(segment, in.position(), bytes.length);
        }
    }

    private static void warnDamaged(Path segment, int at, int size) {
        // What follows was never acknowledged: a crash cut the append short.
        LOG.log(System.Logger.Level.WARNING, "the commit journal " + segment + " ends in a record cut short at byte " + at
                + " of " + size + "; what comes before it is recovered");
    }

    private static Batch decode(DataInputStream in) throws IOException {
        long created = in.readLong();
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("a batch of " + count + " commits");
        }
        List<Commit> commits = new ArrayList<>(Math.min(count, 4096));
        for (int i = 0; i < count; i++) {
            String docId = readString(in);
            int rev = in.readInt();
            String client = readString(in);
            long seq = in.readLong();
            String operation = readString(in);
            String author = readString(in);
            String inserted = readString(in);
            String snapshot = readString(in);
            String authorship = readString(in);
            boolean checkpoint = in.readBoolean();
            Revision revision = new Revision(rev, client, seq, JsonCodec.decodeOperation(operation), author, decodeAuthorship(inserted));
            commits.add(new Commit(docId, revision, snapshot, decodeAuthorship(authorship), checkpoint));
        }
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes after the last commit");
        }
        return new Batch(List.copyOf(commits), created);
    }

    private static Authorship decodeAuthorship(String json) {
        return json == null ? null : JsonCodec.decodeAuthorship(json);
    }

    /** A string as its UTF-8 length and bytes; null as length -1. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new EOFException("a string of " + length + " bytes");
        }
        byte[] utf8 = in.readNBytes(length);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
