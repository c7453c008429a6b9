package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.event.EventView;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.JournalFiles;
import dev.surge.journal.JournalReader;
import dev.surge.journal.cli.JournalCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** Reads and checks members' journals ({@code nodeN/journal}), as {@code scripts/journal} would. */
final class MemberJournals {
    private MemberJournals() {
    }

    /** The events of a member's journal, decoded (code uploads opened with {@code cipher}), in order. */
    static List<byte[]> events(Path memberDir, CodeCipher cipher) {
        List<byte[]> events = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(memberDir, cipher)) {
            JournalReader.Outcome outcome = reader.read((long index, EventView e) -> {
                byte[] bytes = new byte[e.length()];
                e.buffer().getBytes(e.offset(), bytes);
                events.add(bytes);
                return true;
            });
            assertEquals(JournalReader.Outcome.END, outcome, memberDir + ": " + reader.badRecord());
        }
        return events;
    }

    /** {@code scripts/journal verify --data-dir memberDir} with the cluster's key: its exit code and output. */
    static Verified verify(Path memberDir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JournalCli.run(new String[] {"verify", "--data-dir", memberDir.toString()}, new PrintWriter(out),
            new PrintWriter(err), Map.of("SURGE_CODE_KEY", TestCluster.CODE_KEY));
        return new Verified(code, out + err.toString());
    }

    record Verified(int exitCode, String output) {
    }

    /** Copies a (closed) member's journal to {@code to}. */
    static void copy(Path memberDir, Path to) {
        copyTree(memberDir.resolve("journal"), to);
    }

    /** Replaces a (closed) member's journal with the copy at {@code from}. */
    static void replace(Path memberDir, Path from) {
        try {
            deleteTree(memberDir.resolve("journal"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copyTree(from, memberDir.resolve("journal"));
    }

    /** Appends a document that is no journal record to a (closed) member's journal: a damaged tail. */
    static void damageTail(Path memberDir) {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(memberDir.resolve("journal"))
                .rollCycle(JournalFiles.ROLL_CYCLE).build();
             ExcerptAppender appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
