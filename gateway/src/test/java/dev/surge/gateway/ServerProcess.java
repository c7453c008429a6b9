package dev.surge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server ({@link Main}) in a child JVM on a free port, with {@link TestGateway}'s
 * secrets in its environment (never demo mode): what an operator starts. Its output goes to a
 * log file, shown when something fails.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("(?m)^listening on 127\\.0\\.0\\.1:(\\d+)$");
    private static final long START_TIMEOUT_MS = 120_000; // a cold JVM on a loaded machine, and recovery

    final Process process;
    final int port;
    final URI base;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.log = log;
    }

    /** Starts Main on {@code dataDir} and waits for its "listening on" line. */
    static ServerProcess start(Path dataDir, Path log, String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--no-demo", "--data-dir", dataDir.toString()));
        args.addAll(List.of(extraArgs));
        ProcessBuilder pb = MainIT.java(args.toArray(String[]::new)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("SURGE_ADMIN_TOKEN", TestGateway.ADMIN);
        pb.environment().put("SURGE_USER_TOKEN_SECRET", TestGateway.SECRET);
        pb.environment().put("SURGE_CODE_KEY", TestGateway.CODE_KEY);
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return new ServerProcess(p, Integer.parseInt(m.group(1)), log);
            }
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("the server did not print its port:\n" + Files.readString(log));
    }

    /** Waits until {@code /health/ready} is 200: recovery is done and claims are decided. */
    ServerProcess awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (ConnectException e) {
                // not accepting yet
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!process.isAlive()) {
                throw new AssertionError("the server died while recovering:\n" + log());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server never became ready:\n" + log());
    }

    /** SIGKILL: no shutdown hook, no drain, no flush. Returns the exit code (137). */
    int kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        return waitFor();
    }

    /** SIGTERM: drain, flush, exit. Returns the exit code (0 expected). */
    int terminate() throws InterruptedException {
        process.toHandle().destroy();
        return waitFor();
    }

    private int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop:\n" + log());
        }
        return process.exitValue();
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
