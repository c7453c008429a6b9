package dev.surge.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's pauses in a measured window, read from the bench server's own GC log: the
 * server runs with {@link #jvmFlag}, whose lines carry wall-clock times, so a run's pauses are
 * those logged between its start and end. Every stop-the-world pause counts (young, mixed, full,
 * remark, cleanup).
 */
final class GcLog {
    /** {@code [2026-12-06T22:13:07.123+0000] GC(5) Pause Young (Normal) (G1 Evacuation Pause) 208M->139M(1024M) 8.740ms}. */
    private static final Pattern PAUSE = Pattern.compile("(?m)^\\[([^\\]]+)\\] GC\\(\\d+\\) Pause .* ([0-9.]+)ms$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** What a window held: how many pauses and the longest (-1 when the log could not be read). */
    record Pauses(int count, double maxMs) {
        static final Pauses UNKNOWN = new Pauses(-1, -1);
    }

    private GcLog() {
    }

    /** The JVM flag that has the server log its pauses to {@code file}, with wall-clock times. */
    static String jvmFlag(Path file) {
        return "-Xlog:gc:file=" + file.toAbsolutePath() + ":time";
    }

    /** The pauses logged in {@code file} from {@code fromEpochMs} to {@code toEpochMs}. */
    static Pauses between(Path file, long fromEpochMs, long toEpochMs) {
        try {
            return between(Files.readString(file, StandardCharsets.UTF_8), fromEpochMs, toEpochMs);
        } catch (IOException e) {
            return Pauses.UNKNOWN;
        }
    }

    static Pauses between(String log, long fromEpochMs, long toEpochMs) {
        int count = 0;
        double max = 0;
        Matcher m = PAUSE.matcher(log);
        while (m.find()) {
            long at;
            try {
                at = OffsetDateTime.parse(m.group(1), TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                continue; // another decorator: not a line of ours
            }
            if (at >= fromEpochMs && at <= toEpochMs) {
                count++;
                max = Math.max(max, Double.parseDouble(m.group(2)));
            }
        }
        return new Pauses(count, max);
    }
}
