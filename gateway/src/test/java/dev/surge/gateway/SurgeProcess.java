package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.json.Json;
import dev.surge.journal.cli.JournalCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: Surge's {@link Main} (or another main class of the project, such as the journal
 * CLI) in its own JVM, with this JVM's class path and Chronicle flags and a clean environment, so
 * that it can be killed for real. A server gets {@link TestGateway}'s secrets (never demo mode):
 * what an operator starts. Its output goes to a log file, shown when something fails.
 */
final class SurgeProcess implements AutoCloseable {
    static final String ADMIN = TestGateway.ADMIN;
    private static final Pattern LISTENING = Pattern.compile("(?m)^listening on 127\\.0\\.0\\.1:(\\d+)$");
    private static final long START_TIMEOUT_MS = 120_000; // a cold JVM on a loaded machine, and recovery

    final Process process;
    final int port;
    final URI base;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final UserTokens tokens = new UserTokens(TestGateway.SECRET, Json.FACTORY);

    private SurgeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.log = log;
    }

    /** A JVM running {@code main}: this class path, the Chronicle flags this JVM has, no SURGE_* variables. */
    static ProcessBuilder java(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SURGE_"));
        return pb;
    }

    /** As {@link #java}, with the SURGE_* secrets of {@link TestGateway} and stderr merged into stdout. */
    static ProcessBuilder javaWithSecrets(Class<?> main, String... args) {
        ProcessBuilder pb = java(main, args).redirectErrorStream(true);
        pb.environment().put("SURGE_ADMIN_TOKEN", ADMIN);
        pb.environment().put("SURGE_USER_TOKEN_SECRET", TestGateway.SECRET);
        pb.environment().put("SURGE_CODE_KEY", TestGateway.CODE_KEY);
        return pb;
    }

    /** The operator CLI ({@code scripts/journal}) in its own JVM with the code key; its output, once it exited 0. */
    static String journal(String... args) throws IOException, InterruptedException {
        Process p = javaWithSecrets(JournalCli.class, args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the journal CLI did not finish:\n" + out);
        assertEquals(JournalCli.EXIT_OK, p.exitValue(), out);
        return out;
    }

    /**
     * Starts Surge (no demo, any free port) on {@code dataDir} with {@code flags}, and waits until
     * it is ready: recovery done, claims decided. Its log goes next to {@code dataDir}.
     */
    static SurgeProcess start(Path dataDir, String... flags) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--no-demo", "--port", "0", "--data-dir", dataDir.toString()));
        args.addAll(List.of(flags));
        Path log = Files.createTempFile(dataDir.toAbsolutePath().getParent(), "surge-", ".log");
        Process p = javaWithSecrets(Main.class, args.toArray(String[]::new))
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return new SurgeProcess(p, Integer.parseInt(m.group(1)), log).awaitReady();
            }
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("the server did not print its port:\n" + Files.readString(log));
    }

    /** Waits until {@code /health/ready} is 200. */
    private SurgeProcess awaitReady() throws InterruptedException {
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
                close();
                throw new AssertionError("the server died while recovering:\n" + log());
            }
            Thread.sleep(50);
        }
        close();
        throw new AssertionError("the server never became ready:\n" + log());
    }

    String token(String user) {
        return tokens.mint(user, Instant.now().getEpochSecond() + 3600);
    }

    /**
     * One request; {@code headers} are name, value pairs. A body is sent as JSON unless the
     * headers name another Content-Type.
     */
    HttpResponse<String> send(String method, String path, String body, String bearer, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        boolean contentType = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            contentType |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !contentType) {
            b.header("Content-Type", "application/json");
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> admin(String method, String path, String body) {
        return send(method, path, body, ADMIN);
    }

    /** SIGKILL: no shutdown hook, no drain, no flush beyond the journal's. Returns the exit code (137). */
    int kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        return waitFor();
    }

    /** SIGTERM: drain, flush, exit. Returns the exit code (0 expected). */
    int stop() throws InterruptedException {
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

    /** Everything the server printed so far (stdout and stderr). */
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
