package dev.surge.bench.loadgen;

import dev.surge.bench.BenchKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Surge server in a child JVM, started the way {@code scripts/run} starts it (gateway
 * Main, {@code --port 0 --no-demo}, secrets in the environment), on 127.0.0.1, with the per-IP
 * rate limit lifted (all load comes from one address). It inherits this JVM's module flags
 * ({@code --add-opens/--add-exports} and {@code -Dchronicle.*}: the jvm.properties set, which the
 * scripts and Maven give this JVM) and class path. Its output goes to {@code server.log}.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

    private final Process process;
    private final InetSocketAddress address;

    private ServerProcess(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /**
     * Starts a server over {@code dataDir} and waits until it is ready (recovery done).
     *
     * @param extraArgs more gateway flags, e.g. {@code --io-threads 1}
     */
    public static ServerProcess start(Path dataDir, String durability, String heap, Path log, List<String> extraArgs)
        throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle.")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.surge.gateway.Main");
        cmd.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--no-demo", "--data-dir", dataDir.toString(),
            "--durability", durability, "--rate-limit", "0"));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SURGE_ADMIN_TOKEN", BenchKeys.ADMIN_TOKEN);
        pb.environment().put("SURGE_USER_TOKEN_SECRET", BenchKeys.USER_TOKEN_SECRET);
        pb.environment().put("SURGE_CODE_KEY", BenchKeys.CODE_KEY);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = pb.start();
        CompletableFuture<InetSocketAddress> port = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p, log, port), "surge-server-log");
        pump.setDaemon(true);
        pump.start();
        InetSocketAddress address;
        try {
            address = port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("server did not print 'listening on' within 60 s; see " + log, e);
        }
        ServerProcess server = new ServerProcess(p, address);
        server.awaitReady(Duration.ofMinutes(5));
        return server;
    }

    private static void pump(Process p, Path log, CompletableFuture<InetSocketAddress> port) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Matcher m = LISTENING.matcher(line);
                if (!port.isDone() && m.find()) {
                    port.complete(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        } finally {
            port.completeExceptionally(new IOException("server output ended (it exited); see " + log));
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI ready = URI.create("http://127.0.0.1:" + address.getPort() + "/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not accepting yet
            }
            Thread.sleep(100);
        }
        throw new IOException("server not ready after " + timeout);
    }

    public InetSocketAddress address() {
        return address;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM (drain, flush the journal), then waits; kills it if it does not stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
