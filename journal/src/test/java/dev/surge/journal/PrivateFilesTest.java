package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.surge.engine.EngineDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory is its owner's only: directories rwx------, files rw------- (the journal's
 * cycle files and metadata, snapshots, atomically written files), whatever the umask; an existing
 * directory open to group or others is tightened. Skipped where the file system has no POSIX
 * permissions.
 */
class PrivateFilesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(PrivateFiles.posix(tmp), "the file system has no POSIX permissions");
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Every directory and regular file under {@code root} (itself included) with a mode other than the owner-only one. */
    static List<String> notPrivate(Path root) throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------"
                    : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "rw-------" : null;
                if (want != null && !want.equals(mode(p))) {
                    wrong.add(root.relativize(p) + " " + mode(p));
                }
            }
        }
        return wrong;
    }

    @Test
    void aJournalWithASnapshotIsOwnerOnlyThroughout() throws IOException {
        Path data = tmp.resolve("new").resolve("data");
        EngineDriver live = JournalHistory.run(5, 50);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 10);
        }
        new SnapshotStore(data, JournalHistory.CIPHER).write(live.machine, -1);
        BackgroundResourceReleaser.releasePendingResources();

        Path journal = JournalFiles.journalDir(data);
        assertTrue(Files.isRegularFile(journal.resolve("metadata.cq4t")));
        try (Stream<Path> cycles = Files.list(journal)) {
            assertTrue(cycles.anyMatch(p -> p.toString().endsWith(".cq4")), "a cycle file was written");
        }
        assertEquals(1, new SnapshotStore(data, null).list().size());
        assertEquals(List.of(), notPrivate(data));
        assertEquals("rwx------", mode(data.getParent()), "a missing parent is created private too");
    }

    @Test
    void aCycleFileChronicleCreatesLaterIsMadePrivateByTheStoreListener() throws IOException {
        Path dir = tmp.resolve("copy");
        long hour = TimeUnit.HOURS.toMillis(1);
        long[] now = {TimeUnit.DAYS.toMillis(20_000)};
        try (SingleChronicleQueue queue = JournalFiles.openForCopy(dir, JournalFiles.ROLL_CYCLE, () -> now[0]);
             ExcerptAppender appender = queue.createAppender()) {
            for (int i = 0; i < 3; i++) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().writeInt(i);
                }
                now[0] += hour; // the next document rolls to a new cycle file while the queue is open
            }
            BackgroundResourceReleaser.releasePendingResources(); // the listener runs on that thread
            List<Path> cycles;
            try (Stream<Path> list = Files.list(dir)) {
                cycles = list.filter(p -> p.toString().endsWith(".cq4")).toList();
            }
            assertEquals(3, cycles.size(), cycles.toString());
            for (Path p : cycles) {
                assertEquals("rw-------", mode(p), p.toString());
            }
        }
        assertEquals(List.of(), notPrivate(dir));
    }

    @Test
    void anExistingDataDirectoryOpenToOthersIsTightenedWithEverythingInIt() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path journal = Files.createDirectory(data.resolve("journal"));
        Path cycle = Files.writeString(journal.resolve("20240101T00.cq4"), "x");
        Path secrets = Files.writeString(data.resolve("demo-secrets.env"), "A=b\n");
        Path ownerReadOnly = Files.writeString(data.resolve("kept.txt"), "x");
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "x");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(cycle, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setPosixFilePermissions(ownerReadOnly, PosixFilePermissions.fromString("r--r-----"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(data.resolve("link"), outside);

        PrivateFiles.tree(data);

        assertEquals("rwx------", mode(data));
        assertEquals("rwx------", mode(journal));
        assertEquals("rw-------", mode(cycle));
        assertEquals("rw-------", mode(secrets));
        assertEquals("r--------", mode(ownerReadOnly), "the owner's own bits stay as they were");
        assertEquals("rw-r--r--", mode(outside), "a symbolic link is not followed");
    }

    @Test
    void writeReplacesAFileAtomicallyAndPrivately() throws IOException {
        Path file = tmp.resolve("secrets.env");
        Files.writeString(file, "OLD=1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.write(file, "NEW=2\n".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("NEW=2\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
        assertEquals("rw-------", mode(file), "the new file is the private temporary one, renamed");
        try (Stream<Path> list = Files.list(tmp)) {
            assertEquals(List.of(file), list.toList(), "no temporary file left behind");
        }
    }

    @Test
    void createMakesANewPrivateFileAndNeverOpensAnExistingOne() throws IOException {
        Path file = tmp.resolve("new.bin");
        PrivateFiles.create(file).close();
        assertEquals("rw-------", mode(file));
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.create(file));
    }
}
