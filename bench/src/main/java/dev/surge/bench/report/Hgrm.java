package dev.surge.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the percentile rows of an .hgrm file (Value, Percentile, TotalCount, 1/(1-Percentile)). */
final class Hgrm {
    private Hgrm() {
    }

    static Charts.Series read(Path file, String name) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("Value")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length != 4) {
                continue;
            }
            try {
                double value = Double.parseDouble(f[0]);
                double inverse = f[3].equals("Infinity") || f[3].equals("inf") ? Double.POSITIVE_INFINITY
                    : Double.parseDouble(f[3]);
                rows.add(new double[] {inverse, value});
            } catch (NumberFormatException e) {
                // not a data row
            }
        }
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i)[0];
            y[i] = rows.get(i)[1];
        }
        return new Charts.Series(name, x, y);
    }

    /** The latency at percentile {@code p} (0-100) of a series read by {@link #read}; the max at 100. */
    static double valueAt(Charts.Series s, double p) {
        double inverse = p >= 100 ? Double.POSITIVE_INFINITY : 1 / (1 - p / 100);
        for (int i = 0; i < s.x().length; i++) {
            if (s.x()[i] >= inverse - 1e-9) {
                return s.y()[i];
            }
        }
        return s.y().length == 0 ? Double.NaN : s.y()[s.y().length - 1];
    }
}
