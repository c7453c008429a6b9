package dev.surge.bench.loadgen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one sync costs on the disk the bench's servers write to, with nothing else of Surge's in
 * the way: a thread appends records of a claim's event size and syncs after each, as the journal
 * does at {@code --durability sync} when every claim is its own batch (about 1,000 claims/s).
 * Twice: {@code msync} of a memory-mapped file (what Chronicle Queue's sync does) and
 * {@code write} + {@code fdatasync}, each sync after a pause as long as the gap between claims at
 * 1,000/s. It gives the wall time of a sync (p50, p99) and the CPU it
 * costs the thread, so the report can say how much of the {@code sync} latency at 1,000/s is the
 * disk's and how much the server's. The files are deleted afterwards.
 */
@Command(name = "disk-sync-probe", mixinStandardHelpOptions = true,
    description = "Times one sync of a small record on the disk of --dir: msync of a mapped file, and "
        + "write + fdatasync. Prints one JSON line.")
public final class DiskSyncProbe implements Callable<Integer> {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Option(names = "--dir", description = "a directory on the disk to probe (default: java.io.tmpdir, where the bench's "
        + "servers keep their data)")
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"));

    @Option(names = "--syncs", description = "syncs of each kind (default ${DEFAULT-VALUE})")
    int syncs = 2000;

    @Option(names = "--record-bytes", description = "bytes appended before each sync (default ${DEFAULT-VALUE}: "
        + "about a claim's journal record)")
    int recordBytes = 300;

    @Option(names = "--pause-us", description = "microseconds slept after each sync (default ${DEFAULT-VALUE}: about "
        + "1,000 syncs/s, as at 1,000 claims/s; a sync that follows a sleep costs more than one in a tight loop)")
    int pauseMicros = 1000;

    @Option(names = "--out", description = "also write the JSON line to this file")
    Path out;

    /** One kind of sync measured: wall time per sync and the thread's CPU per sync. */
    record Timing(long p50Nanos, long p99Nanos, long cpuNanosPerSync) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DiskSyncProbe()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (syncs < 1 || recordBytes < 1 || recordBytes > 1 << 20 || pauseMicros < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--syncs must be at least 1, --record-bytes between 1 and 1048576, --pause-us at least 0");
        }
        Path work = Files.createTempDirectory(dir, "surge-disk-sync");
        try {
            long pause = pauseMicros * 1000L;
            Timing mapped = mapped(work.resolve("mapped"), syncs, recordBytes, pause);
            Timing written = written(work.resolve("written"), syncs, recordBytes, pause);
            String json = String.format(Locale.ROOT, "{\"dir\": \"%s\", \"syncs\": %d, \"recordBytes\": %d, \"pauseUs\": %d, "
                    + "\"msyncP50us\": %.1f, \"msyncP99us\": %.1f, \"msyncCpuUs\": %.1f, "
                    + "\"fdatasyncP50us\": %.1f, \"fdatasyncP99us\": %.1f, \"fdatasyncCpuUs\": %.1f}",
                dir.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\""), syncs, recordBytes, pauseMicros,
                mapped.p50Nanos / 1e3, mapped.p99Nanos / 1e3, mapped.cpuNanosPerSync / 1e3,
                written.p50Nanos / 1e3, written.p99Nanos / 1e3, written.cpuNanosPerSync / 1e3);
            System.out.println(json);
            if (out != null) {
                Files.writeString(out, json + "\n");
            }
            return 0;
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    /** Appends into a mapped file and msyncs the page(s) written since the last sync, as Chronicle does. */
    static Timing mapped(Path file, int syncs, int recordBytes, long pauseNanos) throws IOException {
        byte[] record = record(recordBytes);
        long size = (long) syncs * recordBytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return time(syncs, pauseNanos, i -> {
                int at = i * recordBytes;
                map.put(at, record);
                map.force(at, recordBytes);
            });
        }
    }

    /** Appends with write(2) and makes each append durable with fdatasync. */
    static Timing written(Path file, int syncs, int recordBytes, long pauseNanos) throws IOException {
        ByteBuffer record = ByteBuffer.wrap(record(recordBytes));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            return time(syncs, pauseNanos, i -> {
                record.clear();
                while (record.hasRemaining()) {
                    ch.write(record);
                }
                ch.force(false);
            });
        }
    }

    private interface Step {
        void run(int i) throws IOException;
    }

    private static Timing time(int syncs, long pauseNanos, Step step) throws IOException {
        Histogram wall = new Histogram(3);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < syncs; i++) {
            long t0 = System.nanoTime();
            step.run(i);
            wall.recordValue(System.nanoTime() - t0);
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        return new Timing(wall.getValueAtPercentile(50), wall.getValueAtPercentile(99), cpu / syncs);
    }

    private static byte[] record(int bytes) {
        byte[] r = new byte[bytes];
        Arrays.fill(r, (byte) 'x');
        return r;
    }
}
