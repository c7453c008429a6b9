package dev.surge.gateway;

import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: Surge's {@code Main} (or another main class of the project) in its own JVM, with
 * this JVM's class path and Chronicle flags and a clean environment, so that it can be killed
 * for real. Its output is kept for the failure message.
 */
final class SurgeProcess implements AutoCloseable {
    static final String ADMIN = TestGateway.ADMIN;
    private static final Pattern LISTENING = Pattern.compile("^listening on 127\\.0\\.0\\.1:(\\d+)$");

    final Process process;
    final int port;
    final StringBuffer output = new StringBuffer();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final UserTokens tokens = new UserTokens(TestGateway.SECRET, Json.FACTORY);

    /** A JVM running {@code mainClass} with {@code args}; the SURGE_* secrets of {@link TestGateway}. */
    static ProcessBuilder java(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SURGE_"));
        pb.environment().put("SURGE_ADMIN_TOKEN", ADMIN);
        pb.environment().put("SURGE_USER_TOKEN_SECRET", TestGateway.SECRET);
        pb.environment().put("SURGE_CODE_KEY", TestGateway.CODE_KEY);
        return pb;
    }

    /** Starts Surge (no demo, any free port) on {@code dataDir} and waits until it is ready. */
    static SurgeProcess start(Path dataDir, String... flags) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--no-demo", "--port", "0", "--data-dir", dataDir.toString()));
        args.addAll(List.of(flags));
        return new SurgeProcess(java(Main.class.getName(), args).start());
    }

    private SurgeProcess(Process process) throws InterruptedException {
        this.process = process;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int found = -1;
        try {
            String line;
            while (found < 0 && (line = out.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.matches()) {
                    found = Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found < 0) {
            throw new AssertionError("the server did not start:\n" + output);
        }
        this.port = found;
        Thread pump = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "server-output");
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (send("GET", "/health/ready", null, null).statusCode() != 200) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("the server did not get ready:\n" + output);
            }
            Thread.sleep(50);
        }
    }

    String token(String user) {
        return tokens.mint(user, Instant.now().getEpochSecond() + 3600);
    }

    HttpResponse<String> send(String method, String path, String body, String bearer, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
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

    /** SIGKILL: no drain, no flush beyond what the journal already has. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and its exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not stop on SIGTERM:\n" + output);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
