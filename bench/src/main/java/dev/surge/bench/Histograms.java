package dev.surge.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/** Writing and summarising latency histograms (values in nanoseconds). */
public final class Histograms {
    /** System property naming the directory results go to ({@code scripts/bench} sets it). */
    public static final String OUT_PROPERTY = "surge.bench.out";

    private Histograms() {
    }

    /** The results directory, or null when the property is not set. */
    public static Path outDir() {
        String dir = System.getProperty(OUT_PROPERTY);
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** Writes {@code <out>/<name>.hgrm} (percentile distribution in microseconds) if there is an out dir. */
    public static Path save(Histogram h, String name) {
        Path dir = outDir();
        if (dir == null) {
            return null;
        }
        return writeHgrm(h, dir.resolve(name + ".hgrm"));
    }

    /** The standard .hgrm text (as wrk2 and HdrHistogram's plotter read it), values in microseconds. */
    public static Path writeHgrm(Histogram h, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
                h.outputPercentileDistribution(out, 5, 1000.0);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** One line: count, p50, p90, p99, p99.9, p99.99, max in {@code unit} (value / divisor). */
    public static void printSummary(PrintStream out, String label, Histogram h, double divisor, String unit) {
        out.printf("%s: n=%,d p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f p99.99=%.1f max=%.1f %s%n", label,
            h.getTotalCount(), h.getValueAtPercentile(50) / divisor, h.getValueAtPercentile(90) / divisor,
            h.getValueAtPercentile(99) / divisor, h.getValueAtPercentile(99.9) / divisor,
            h.getValueAtPercentile(99.99) / divisor, h.getMaxValue() / divisor, unit);
    }
}
