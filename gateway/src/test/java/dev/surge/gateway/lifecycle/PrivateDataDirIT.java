package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.Storages;
import dev.surge.journal.PrivateFiles;
import dev.surge.testkit.NoLeakedThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real start over the Chronicle journal, claims and snapshots: the data directory, the journal's
 * files (cycle files and metadata.cq4t) and the snapshots are their owner's only, and a data
 * directory that group and others could read is tightened, with a warning. Skipped where the file
 * system has no POSIX permissions.
 */
@ExtendWith(NoLeakedThreads.class)
class PrivateDataDirIT {
    @TempDir
    Path dir;

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Every directory and file under {@code root} (itself included) that is not rwx------ / rw-------. */
    static List<String> notPrivate(Path root) throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
                if (!want.equals(mode(p))) {
                    wrong.add(root.relativize(p) + " " + mode(p));
                }
            }
        }
        return wrong;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> list = Files.list(d)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void journalSnapshotsAndTheDataDirectoryAreOwnerOnly() throws IOException {
        assumeTrue(PrivateFiles.posix(dir), "the file system has no POSIX permissions");
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x")); // an earlier version's
        Logger log = (Logger) LoggerFactory.getLogger(PrivateFiles.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.DATA_DIR, data.toString())
            .set(Configuration.Option.SNAPSHOT_EVERY, "5"), Storages::open, true)) {
            t.codeCampaign("private", 20);
            for (int i = 0; i < 8; i++) {
                TestGateway.Res r = t.claim("user-" + i, "k" + i, "private", "card");
                assertEquals("GRANTED", r.at("result"), r.body());
            }
            // while it runs: the journal's files were tightened before the claims were answered
            assertEquals(List.of(), notPrivate(data.resolve("journal")));
            assertEquals("rwx------", mode(data));
        } finally {
            log.detachAppender(seen);
        }
        // after the stop, with the final snapshot
        List<String> journal = names(data.resolve("journal"));
        assertTrue(journal.contains("metadata.cq4t") && journal.stream().anyMatch(n -> n.endsWith(".cq4")),
            journal.toString());
        assertTrue(names(data.resolve("snapshots")).stream().anyMatch(n -> n.matches("snapshot-\\d+\\.bin")),
            names(data.resolve("snapshots")).toString());
        assertEquals(List.of(), notPrivate(data));
        assertTrue(seen.list.stream().anyMatch(e -> e.getFormattedMessage().equals(data + " was rwxr-xr-x: group or "
            + "others could reach what it holds; now rwx------")), seen.list.toString());
    }
}
