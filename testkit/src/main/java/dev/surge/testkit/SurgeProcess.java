package dev.surge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper, the one child-process helper of the project: a main class of the project (the
 * gateway's {@code Main}, the journal CLI, ...) in its own JVM, with this JVM's class path and
 * Chronicle flags and a clean environment, so that it can be killed for real. A server is one
 * that prints {@code listening on 127.0.0.1:<port>} and answers {@code /health/ready}; its output
 * goes to a log file, shown when something fails. The caller gives the environment (secrets) and
 * how to mint user tokens: this module knows none of the gateway's classes.
 */
public final class SurgeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("(?m)^listening on 127\\.0\\.0\\.1:(\\d+)$");
    private static final long START_TIMEOUT_MS = 120_000; // a cold JVM on a loaded machine, and recovery

    public final Process process;
    public final int port;
    public final URI base;
    private final Path log;
    private final String adminToken;
    private final Function<String, String> userTokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SurgeProcess(Process process, int port, Path log, String adminToken, Function<String, String> userTokens) {
        this.process = process;
        this.port = port;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.log = log;
        this.adminToken = adminToken;
        this.userTokens = userTokens;
    }

    /** A JVM running {@code main}: this class path, the Chronicle flags this JVM has, no SURGE_* variables. */
    public static ProcessBuilder java(Class<?> main, String... args) {
        return java(main.getName(), args);
    }

    /** As {@link #java(Class, String...)}, for a main class named. */
    public static ProcessBuilder java(String mainClass, String... args) {
        return java(List.of(), mainClass, args);
    }

    /** As {@link #java(String, String...)}, with more JVM options first (a heap size, a GC). */
    public static ProcessBuilder java(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SURGE_"));
        return pb;
    }

    /**
     * Starts {@code server} (from {@link #java}, its environment set) with its output to the file
     * {@code log}, and waits until it is ready: it printed its port and {@code /health/ready} is
     * 200. {@link #admin} sends {@code adminToken}; {@link #token} mints with {@code userTokens}.
     */
    public static SurgeProcess start(ProcessBuilder server, Path log, String adminToken,
                                     Function<String, String> userTokens) throws IOException, InterruptedException {
        Process p = server.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return new SurgeProcess(p, Integer.parseInt(m.group(1)), log, adminToken, userTokens).awaitReady();
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the server did not print its port:\n" + Files.readString(log));
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
                throw new IllegalStateException("the server died while recovering:\n" + log());
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("the server never became ready:\n" + log());
    }

    /** A user token for {@code user}, valid for a while. */
    public String token(String user) {
        return userTokens.apply(user);
    }

    /**
     * One request; {@code headers} are name, value pairs. A body is sent as JSON unless the
     * headers name another Content-Type.
     */
    public HttpResponse<String> send(String method, String path, String body, String bearer, String... headers) {
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

    /** One request with the admin token. */
    public HttpResponse<String> admin(String method, String path, String body) {
        return send(method, path, body, adminToken);
    }

    /** SIGKILL: no shutdown hook, no drain, no flush beyond the journal's. Returns the exit code (137). */
    public int kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        return waitFor();
    }

    /** SIGTERM: drain, flush, exit. Returns the exit code (0 expected). */
    public int stop() throws InterruptedException {
        process.toHandle().destroy();
        return waitFor();
    }

    private int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the server did not stop:\n" + log());
        }
        return process.exitValue();
    }

    /** Everything the server printed so far (stdout and stderr). */
    public String log() {
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
