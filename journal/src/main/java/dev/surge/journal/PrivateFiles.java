package dev.surge.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files only their owner may read: a data directory holds user ids, device ids, recharge
 * accounts and (in demo mode) secrets, so its directories are {@code rwx------} and its files
 * {@code rw-------}. Files are created with those permissions (never a moment with wider ones,
 * whatever the umask), except Chronicle's queue files, which Chronicle creates itself: they are
 * tightened right after (see {@link JournalFiles}), inside a directory nobody else can enter.
 *
 * <p>On a file system without POSIX permissions every method does the plain thing (create,
 * write) and leaves permissions alone.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = Set.copyOf(PosixFilePermissions.fromString("rwx------"));
    private static final Set<PosixFilePermission> FILE = Set.copyOf(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_ATTRIBUTE =
        PosixFilePermissions.asFileAttribute(DIRECTORY);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTRIBUTE =
        PosixFilePermissions.asFileAttribute(FILE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** Whether {@code p}'s file system has POSIX permissions. */
    public static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} (and any missing parent) {@code rwx------}; from an existing one,
     * group's and others' permissions are taken off, with a warning. Returns {@code dir}.
     */
    public static Path directory(Path dir) {
        try {
            if (!posix(dir)) {
                return Files.createDirectories(dir);
            }
            if (Files.isDirectory(dir)) {
                Set<PosixFilePermission> was = Files.getPosixFilePermissions(dir);
                if (tighten(dir, was)) {
                    LOG.warn("{} was {}: group or others could reach what it holds; now {}", dir,
                        PosixFilePermissions.toString(was), PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
                }
                return dir;
            }
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                directory(parent);
            }
            try {
                Files.createDirectory(dir, DIRECTORY_ATTRIBUTE); // the umask may narrow it, never widen it
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
            }
            setExactly(dir, DIRECTORY);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private directory " + dir, e);
        }
    }

    /**
     * Makes everything under {@code dataDir} its owner's only: the directory itself as
     * {@link #directory} does (creating it when missing), then group's and others' permissions
     * off every directory and regular file below it, to any depth (symbolic links are left
     * alone). Logs how many it tightened.
     */
    public static void tree(Path dataDir) {
        directory(dataDir);
        if (!posix(dataDir)) {
            return;
        }
        int tightened = 0;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) walk.skip(1)::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if ((a.isDirectory() || a.isRegularFile())
                    && tighten(p, Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))) {
                    tightened++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files under " + dataDir + " private", e);
        }
        if (tightened > 0) {
            LOG.warn("{} file(s) and directories under {} were readable by group or others; now owner-only",
                tightened, dataDir);
        }
    }

    /** Takes group's and others' permissions off one existing file (Chronicle's: {@code rw-r--r--} becomes {@code rw-------}). */
    public static void file(Path file) {
        if (!posix(file)) {
            return;
        }
        try {
            tighten(file, Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " private", e);
        }
    }

    /** {@link #file} for every regular file directly in {@code dir}. */
    public static void filesIn(Path dir) {
        if (!posix(dir) || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    tighten(p, Files.getPosixFilePermissions(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files in " + dir + " private", e);
        }
    }

    /** Creates a new file {@code rw-------} from its first moment (fails if it exists) and opens it for writing. */
    public static FileChannel create(Path file) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel ch = posix(file) ? FileChannel.open(file, options, FILE_ATTRIBUTE) : FileChannel.open(file, options);
        try {
            if (posix(file)) {
                setExactly(file, FILE);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /**
     * Replaces {@code file} with {@code content}, atomically and privately: written to a
     * temporary file created {@code rw-------} in the same directory, synced, then renamed over
     * the target, and the directory synced. A reader sees the old content or the new, never part
     * of it, and at no moment can anyone but the owner read either.
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a leftover of a crash mid-write
        try {
            try (FileChannel ch = create(tmp)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        JournalFiles.syncDirectory(dir);
    }

    /** Takes group's and others' permissions off {@code p} (the owner's stay as they are); true when there were any. */
    private static boolean tighten(Path p, Set<PosixFilePermission> was) throws IOException {
        Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
        owner.addAll(was);
        if (!owner.removeAll(GROUP_OR_OTHERS)) {
            return false;
        }
        Files.setPosixFilePermissions(p, owner);
        return true;
    }

    /** Sets exactly {@code wanted} on something just created (the umask may have taken an owner bit off). */
    private static void setExactly(Path p, Set<PosixFilePermission> wanted) throws IOException {
        if (!Files.getPosixFilePermissions(p).equals(wanted)) {
            Files.setPosixFilePermissions(p, wanted);
        }
    }
}
