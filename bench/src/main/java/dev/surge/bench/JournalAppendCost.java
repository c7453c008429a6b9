package dev.surge.bench;

import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.Durability;
import dev.surge.journal.JournalReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The journal's append alone, on one thread: the events of an existing journal (e.g. the one
 * {@link RecoveryBenchmark} builds) appended to a fresh journal in batches of a given size, as
 * the ring's journal stage would, several rounds in one JVM (the first ones are warm-up). Its
 * figure is ns an event, encoding, sealing, Chronicle's documents and, with {@code SYNC}, the
 * syncs included. Only the journal's public API, so the same source measures older builds.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.surge.bench.JournalAppendCost <dataDir> <batch> <rounds>
 * <PROCESS|SYNC> <maxEvents>}
 */
public final class JournalAppendCost {
    private JournalAppendCost() {
    }

    public static void main(String[] args) throws IOException {
        Path source = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Durability durability = Durability.valueOf(args[3]);
        int max = Integer.parseInt(args[4]);
        List<UnsafeBuffer> events = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(source, BenchKeys.CIPHER)) {
            reader.read((index, e) -> {
                byte[] copy = new byte[e.length()];
                e.buffer().getBytes(e.offset(), copy);
                events.add(new UnsafeBuffer(copy));
                return events.size() < max;
            });
        }
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("journal-append-cost");
            long started = System.nanoTime();
            try (ChronicleJournal journal = new ChronicleJournal(dir, durability, BenchKeys.CIPHER)) {
                for (int i = 0; i < events.size(); i++) {
                    UnsafeBuffer e = events.get(i);
                    journal.append(i + 1, e, 0, e.capacity());
                    if ((i + 1) % batch == 0) {
                        journal.endOfBatch();
                    }
                }
                journal.endOfBatch();
            }
            long nanos = System.nanoTime() - started;
            System.out.printf(Locale.ROOT, "round %d: %d events, batch %d, %s: %.0f ns/event%n", round, events.size(),
                batch, durability, (double) nanos / events.size());
            try (var walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
