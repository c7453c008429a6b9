package dev.surge.journal.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RingUnderLoadMain} child JVM seen from the test: its acknowledgement lines as they
 * arrive (read by a thread of its own, so that a silent child cannot hang the test), and a
 * SIGKILL. Its stderr (logs) goes to a file, shown when something fails.
 */
final class RingChild implements AutoCloseable {
    /** One acknowledged grant: its id, the claimed SKU and its items as {@code sku:code,...}. */
    record Ack(String grantId, String sku, String items) {
        static Ack parse(String line) {
            String[] p = line.split(" ", 4);
            return new Ack(p[1], p[2], p.length > 3 ? p[3] : "");
        }
    }

    private static final String EOF = "\0eof";
    private static final long LINE_TIMEOUT_S = 120; // a loaded machine, and a JVM to start

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<Ack> acks = new ArrayList<>();
    long readySequence = -1;

    RingChild(Path dataDir, String durability, int publishers, String codeKey, Path log) throws IOException {
        this.log = log;
        ProcessBuilder pb = ChildJvm.java(RingUnderLoadMain.class, dataDir.toString(), durability,
            String.valueOf(publishers));
        pb.environment().put("SURGE_CODE_KEY", codeKey);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        this.process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("IOERROR " + e);
            } finally {
                lines.add(EOF);
            }
        }, "ring-child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads acknowledgements until there are at least {@code n}; fails if the child goes quiet or dies. */
    void awaitAcks(int n) throws InterruptedException {
        while (acks.size() < n) {
            String line = lines.poll(LINE_TIMEOUT_S, TimeUnit.SECONDS);
            if (line == null || line.equals(EOF)) {
                throw new AssertionError("the child " + (line == null ? "went quiet" : "ended") + " after "
                    + acks.size() + " acks; its log:\n" + log());
            }
            take(line);
        }
    }

    private void take(String line) {
        if (line.startsWith("GRANT ")) {
            acks.add(Ack.parse(line));
        } else if (line.startsWith("READY ")) {
            readySequence = Long.parseLong(line.substring(6));
        } else {
            throw new AssertionError("unexpected line from the child: " + line + "\n" + log());
        }
    }

    /**
     * SIGKILL, then the acknowledgements it wrote before dying, to the end of its stdout. Returns
     * its exit code (137 for a SIGKILL).
     */
    int kill() throws InterruptedException {
        // Through the handle: Process.destroyForcibly also sends SIGKILL but closes our end of the
        // pipe, losing the acknowledgements still in it.
        process.toHandle().destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not die");
        }
        while (true) {
            String line = lines.poll(LINE_TIMEOUT_S, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the dead child's stdout did not end");
            }
            if (line.equals(EOF)) {
                return process.exitValue();
            }
            take(line);
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
