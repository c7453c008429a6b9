package dev.surge.journal.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on stderr about once a second while a long run reads the journal: events
 * read, events per second, and the percentage when the end is known. On a terminal the line is
 * rewritten in place and erased at the end; otherwise (with {@code --progress} into a log) each
 * update is its own line. Off when stderr is not a terminal unless asked for, so scripted runs
 * stay quiet.
 *
 * <p>Not thread-safe: called from the one thread that reads the journal.
 */
final class Progress implements AutoCloseable {
    /** Set by scripts/journal when stderr is a terminal ({@code [ -t 2 ]}); Java cannot tell by itself. */
    static final String TTY_PROPERTY = "surge.cli.stderrTty";
    /** Set by scripts/journal when stdout is a terminal ({@code [ -t 1 ]}). */
    static final String STDOUT_TTY_PROPERTY = "surge.cli.stdoutTty";
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final Progress OFF = new Progress(null, false, "", 0, INTERVAL_NANOS);

    private final PrintWriter err;
    private final boolean terminal;
    private final String label;
    private final long startNanos;
    private final long intervalNanos;
    private long nextNanos;
    private long total;
    private long done;
    private long lastLength;
    private boolean printed;

    private Progress(PrintWriter err, boolean terminal, String label, long startNanos, long intervalNanos) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.startNanos = startNanos;
        this.intervalNanos = intervalNanos;
        this.nextNanos = startNanos + intervalNanos;
    }

    /** A reporter that is on, with its own interval (tests). */
    static Progress every(PrintWriter err, boolean terminal, String label, long intervalNanos) {
        return new Progress(err, terminal, label, System.nanoTime(), intervalNanos);
    }

    /**
     * @param requested {@code Boolean.TRUE}/{@code FALSE} from {@code --progress/--no-progress},
     *                  null for automatic: on when stderr is a terminal, unless the command streams
     *                  its output to that same screen as it reads ({@code dump} without a pipe)
     */
    static Progress start(PrintWriter err, Boolean requested, String label, boolean streamsOutput) {
        boolean terminal = Boolean.getBoolean(TTY_PROPERTY);
        boolean on = requested != null ? requested
            : terminal && !(streamsOutput && Boolean.getBoolean(STDOUT_TTY_PROPERTY));
        return on ? new Progress(err, terminal, label, System.nanoTime(), INTERVAL_NANOS) : OFF;
    }

    boolean enabled() {
        return err != null;
    }

    /** The number of events expected in all, for a percentage; 0 or less when unknown. */
    void total(long events) {
        this.total = events;
    }

    /** Called for each event read; prints at most about once a second. */
    void update(long eventsRead) {
        done = eventsRead;
        if (err == null || (eventsRead & 1023) != 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextNanos >= 0) {
            nextNanos = now + intervalNanos;
            print(now);
        }
    }

    private void print(long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        StringBuilder sb = new StringBuilder(80);
        sb.append(label).append(": ").append(String.format(Locale.ROOT, "%,d", done)).append(" events, ")
            .append(String.format(Locale.ROOT, "%,.0f", done / seconds)).append(" events/s");
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, ", %.1f%%", Math.min(100.0, 100.0 * done / total)));
        }
        sb.append(String.format(Locale.ROOT, ", %.0fs", seconds));
        if (terminal) {
            int pad = (int) Math.max(0, lastLength - sb.length());
            lastLength = sb.length();
            err.print("\r" + sb + " ".repeat(pad));
        } else {
            err.println(sb);
        }
        err.flush();
        printed = true;
    }

    /** Erases the in-place line (terminal) so that the command's own output starts clean. */
    @Override
    public void close() {
        if (err != null && printed && terminal) {
            err.print("\r" + " ".repeat((int) lastLength) + "\r");
            err.flush();
        }
    }
}
