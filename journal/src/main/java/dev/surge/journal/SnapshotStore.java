package dev.surge.journal;

import dev.surge.engine.state.StateConfig;
import dev.surge.engine.state.StateMachine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the state under {@code <dataDir>/snapshots/snapshot-<sequence>.bin}, written
 * atomically (temporary file, fsync, rename, fsync of the directory: a reader sees a whole
 * snapshot or none), the newest {@code keep} kept. The directory is {@code rwx------} and each
 * file is created {@code rw-------} ({@link PrivateFiles}): the body is encrypted, but what it
 * holds (user ids, device ids, recharge accounts) is nobody else's business either.
 * <pre>
 * header (big-endian, clear):  magic:8 "SURGESNP" | format:4 (=1) | sequence:8 | timestamp:8 |
 *                              journalIndex:8 | digest:8 | crc32c:4 (of the 44 bytes before it)
 * body:                        StateMachine.writeSnapshot, sealed by CodeCipher.sealingStream
 *                              with the 48 header bytes as associated data
 * </pre>
 * The state holds every loaded code, so the body is always encrypted; the header stays readable
 * so that tools can list snapshots without the key. Loading checks the header's checksum, every
 * chunk's tag, that the stream ends where it should, and that the rebuilt state's digest equals
 * the one recorded when it was written; {@link #loadNewest} falls back to an older snapshot when
 * the newest fails any of these.
 *
 * <p>Threading: thread-safe (methods are synchronized); writing needs the machine's owning
 * thread, since it reads the machine.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    public static final int DEFAULT_KEEP = 3;
    static final long MAGIC = 0x53555247_45534E50L; // "SURGESNP"
    static final int FORMAT = 1;
    static final int HEADER_LENGTH = 48;
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d+)\\.bin");
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;
    /**
     * From this many events a state's snapshot is tens of megabytes: the cipher is warmed up
     * first ({@link CodeCipher#warmUp}), which the many small states of tests never pay for.
     */
    static final long WARM_UP_EVENTS = 100_000;
    private final CodeCipher cipher;
    private final int keep;
    /** What every state of this data directory is built with (null without the cipher). */
    private final StateConfig config;

    /** {@code cipher} may be null for a store that only {@linkplain #list() lists} (tools without the key). */
    public SnapshotStore(Path dataDir, CodeCipher cipher) {
        this(dataDir, cipher, DEFAULT_KEEP);
    }

    public SnapshotStore(Path dataDir, CodeCipher cipher, int keep) {
        this(dataDir, cipher, keep, cipher == null ? null : cipher.stateConfig());
    }

    /** {@code config}: the cipher's {@link CodeCipher#stateConfig()}, with the server's idempotency window. */
    public SnapshotStore(Path dataDir, CodeCipher cipher, int keep, StateConfig config) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, was " + keep);
        }
        this.dir = JournalFiles.snapshotDir(dataDir);
        this.cipher = cipher;
        this.keep = keep;
        this.config = config;
    }

    /**
     * An empty state machine under this data directory's config: what recovery starts from when
     * there is no snapshot (without the cipher, under a random key: the same decisions, other
     * slots, so digests compare only within one run).
     */
    public StateMachine newMachine() {
        return config == null ? new StateMachine() : new StateMachine(config);
    }

    public Path directory() {
        return dir;
    }

    /** The file a snapshot of event {@code sequence} has. */
    public Path pathOf(long sequence) {
        return dir.resolve("snapshot-" + sequence + ".bin");
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Writes a snapshot of {@code machine} (on the thread that owns it), then removes all but the
     * newest {@code keep}. {@code journalIndex} is the Chronicle index of the machine's last
     * event, or -1 if unknown.
     */
    public synchronized SnapshotInfo write(StateMachine machine, long journalIndex) {
        requireCipher();
        long sequence = machine.lastSequence();
        if (sequence >= WARM_UP_EVENTS) {
            cipher.warmUp(); // a state of this size seals tens of megabytes
        }
        Path target = pathOf(sequence);
        Path tmp = dir.resolve(target.getFileName() + TMP_SUFFIX);
        try {
            PrivateFiles.directory(dir);
            deleteStaleTemporaries();
            Files.deleteIfExists(tmp);
            byte[] header = header(sequence, machine.lastTimestamp(), journalIndex, machine.digest());
            try (FileChannel ch = PrivateFiles.create(tmp)) { // rw------- from its first moment
                OutputStream file = new BufferedOutputStream(new KeepOpen(Channels.newOutputStream(ch)), 1 << 16);
                file.write(header);
                try (SnapshotOutput out = new SnapshotOutput(cipher.sealingStream(file, header), 1 << 16)) {
                    machine.writeSnapshot(out);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            JournalFiles.syncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("writing snapshot " + target + " failed", e);
        }
        SnapshotInfo info = readHeader(target);
        prune();
        return info;
    }

    private static byte[] header(long sequence, long timestamp, long journalIndex, long digest) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        b.putLong(MAGIC).putInt(FORMAT).putLong(sequence).putLong(timestamp).putLong(journalIndex).putLong(digest);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER_LENGTH - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private void prune() {
        List<Path> files = files();
        for (int i = keep; i < files.size(); i++) {
            deleteQuietly(files.get(i));
        }
    }

    /** Leftovers of a crash mid-write. Only the one writer (this process) makes them. */
    private void deleteStaleTemporaries() throws IOException {
        try (var list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("snapshot-") && name.endsWith(TMP_SUFFIX)) {
                    deleteQuietly(p);
                }
            }
        }
    }

    /**
     * Moves aside every snapshot of a state beyond {@code sequence} (renamed
     * {@code *.bin.discarded}): after the journal lost or cut events, such a snapshot holds
     * events the journal does not, and would disagree with it once new events reuse those
     * sequences. Returns the files moved.
     */
    public synchronized List<Path> discardAbove(long sequence) {
        List<Path> moved = new ArrayList<>();
        for (Path p : files()) {
            if (sequenceOf(p) > sequence) {
                Path aside = p.resolveSibling(p.getFileName() + ".discarded");
                try {
                    Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    moved.add(aside);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot move snapshot " + p + " aside", e);
                }
            }
        }
        if (!moved.isEmpty()) {
            JournalFiles.syncDirectory(dir);
        }
        return moved;
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Snapshots whose header is intact, newest first (the bodies are not checked here). */
    public synchronized List<SnapshotInfo> list() {
        List<SnapshotInfo> infos = new ArrayList<>();
        for (Path p : files()) {
            try {
                infos.add(readHeader(p));
            } catch (SnapshotException e) {
                LOG.debug("{}", e.getMessage());
            }
        }
        return infos;
    }

    /** The newest snapshot that loads and verifies, or null when there is none. */
    public LoadedSnapshot loadNewest() {
        return loadNewest(Long.MAX_VALUE);
    }

    /**
     * The newest snapshot of a state at or before {@code maxSequence} that loads and verifies,
     * or null. Each one that fails is logged and the next older one tried.
     */
    public synchronized LoadedSnapshot loadNewest(long maxSequence) {
        for (Path p : files()) {
            if (sequenceOf(p) > maxSequence) {
                continue;
            }
            try {
                SnapshotInfo info = readHeader(p);
                return new LoadedSnapshot(info, load(info));
            } catch (SnapshotException e) {
                LOG.warn("{}; trying an older snapshot", e.getMessage());
            }
        }
        return null;
    }

    /** Loads and verifies one snapshot; throws {@link SnapshotException} when it is unusable. */
    public StateMachine load(SnapshotInfo info) {
        requireCipher();
        Path p = info.path();
        if (info.sequence() >= WARM_UP_EVENTS) {
            cipher.warmUp();
        }
        try (InputStream file = new BufferedInputStream(Files.newInputStream(p), 1 << 16)) {
            byte[] header = file.readNBytes(HEADER_LENGTH);
            SnapshotInfo fresh = parseHeader(p, header);
            if (!fresh.equals(info)) {
                throw new SnapshotException(p, "changed since it was listed", null);
            }
            StateMachine machine;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                cipher.openingStream(file, header), 1 << 16))) {
                machine = StateMachine.readSnapshot(in, config);
                if (in.read() != -1) {
                    throw new SnapshotException(p, "has bytes after the state", null);
                }
            }
            if (machine.lastSequence() != info.sequence()) {
                throw new SnapshotException(p, "holds event " + machine.lastSequence() + ", header says "
                    + info.sequence(), null);
            }
            long digest = machine.digest();
            if (digest != info.digest()) {
                throw new SnapshotException(p, "state digest " + Long.toHexString(digest) + " differs from the "
                    + "recorded " + Long.toHexString(info.digest()), null);
            }
            return machine;
        } catch (SnapshotException e) {
            throw e;
        } catch (EOFException e) {
            throw new SnapshotException(p, "is cut short", e);
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: the state reader was given bytes it cannot make sense of.
            throw new SnapshotException(p, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private void requireCipher() {
        if (cipher == null) {
            throw new IllegalStateException("snapshots are encrypted: reading or writing them needs " + CodeCipher.ENV);
        }
    }

    private SnapshotInfo readHeader(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return parseHeader(p, in.readNBytes(HEADER_LENGTH));
        } catch (IOException e) {
            throw new SnapshotException(p, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static SnapshotInfo parseHeader(Path p, byte[] header) {
        if (header.length < HEADER_LENGTH) {
            throw new SnapshotException(p, "is shorter than its header", null);
        }
        ByteBuffer b = ByteBuffer.wrap(header);
        CRC32C crc = new CRC32C();
        crc.update(header, 0, HEADER_LENGTH - 4);
        if (b.getLong(0) != MAGIC) {
            throw new SnapshotException(p, "is not a Surge snapshot (bad magic)", null);
        }
        if (b.getInt(HEADER_LENGTH - 4) != (int) crc.getValue()) {
            throw new SnapshotException(p, "header checksum mismatch", null);
        }
        if (b.getInt(8) != FORMAT) {
            throw new SnapshotException(p, "format " + b.getInt(8) + " is not supported (expected " + FORMAT + ")",
                null);
        }
        SnapshotInfo info = new SnapshotInfo(p, b.getLong(12), b.getLong(20), b.getLong(28), b.getLong(36));
        if (info.sequence() != sequenceOf(p)) {
            throw new SnapshotException(p, "header holds event " + info.sequence() + ", unlike its name", null);
        }
        return info;
    }

    /** Snapshot files by name, newest (highest sequence) first. */
    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            List<Path> files = new ArrayList<>();
            for (Path p : (Iterable<Path>) list::iterator) {
                if (sequenceOf(p) >= 0) {
                    files.add(p);
                }
            }
            files.sort(Comparator.comparingLong(SnapshotStore::sequenceOf).reversed());
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static long sequenceOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.toString());
        }
    }

    /** Lets the sealing stream's close flush the file without closing the channel before fsync. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
