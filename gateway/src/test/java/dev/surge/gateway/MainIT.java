package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.journal.PrivateFiles;
import dev.surge.testkit.SurgeProcess;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point in its own JVM: --help, configuration errors, demo mode's curl, SIGTERM. */
class MainIT {
    @TempDir
    Path dir;

    /** The real Main in a child JVM, with no SURGE_* variables. */
    private static ProcessBuilder java(String... args) {
        return SurgeProcess.java(Main.class, args);
    }

    @Test
    void helpAndConfigurationErrors() throws Exception {
        Process help = java("--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, help.waitFor());
        assertTrue(out.contains("--port") && out.contains("SURGE_DATA_DIR"), out);

        Process missing = java("--no-demo", "--port", "0", "--data-dir", dir.toString()).start();
        String err = new String(missing.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, missing.waitFor(), err);
        assertTrue(err.contains("SURGE_ADMIN_TOKEN"), err);
    }

    /** Demo mode needs the simulator module, which is never in the gateway's production class path. */
    @Test
    void demoWithoutTheSimulatorOnTheClassPathSaysSoBeforeStarting() throws Exception {
        ProcessBuilder pb = java("--port", "0", "--data-dir", dir.resolve("data").toString());
        List<String> cmd = pb.command();
        int cp = cmd.indexOf("-cp") + 1;
        String all = cmd.get(cp);
        String withoutSimulator = Arrays.stream(all.split(File.pathSeparator))
            .filter(e -> !e.contains("surge-simulator") && !e.replace('\\', '/').contains("/simulator/target/"))
            .collect(Collectors.joining(File.pathSeparator));
        assertNotEquals(all, withoutSimulator, "the test class path has the simulator: " + all);
        cmd.set(cp, withoutSimulator);
        Process p = pb.start();
        MainIT.drain(p);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), err);
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.startsWith("surge: demo mode embeds the simulated supplier") && err.contains("surge-simulator")
            && err.contains("--no-demo"), err);
        assertFalse(Files.exists(dir.resolve("data")), "nothing was started or created");
    }

    @Test
    void aPortInUseIsOneClearLineWithAHint() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Process p = java("--port", String.valueOf(taken.getLocalPort()), "--data-dir", dir.resolve("data").toString())
                .start();
            MainIT.drain(p);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.waitFor(), err);
            assertTrue(err.startsWith("surge: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                + ": the address is already in use"), err);
            assertTrue(err.contains("--port 0"), err);
            assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        }
    }

    @Test
    void demoPrintsACurlThatIsGrantedAndSigtermExitsZero() throws Exception {
        Process p = java("--port", "0", "--data-dir", dir.resolve("data").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            int port = -1;
            StringBuilder curl = null;
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = Pattern.compile("^listening on 127\\.0\\.0\\.1:(\\d+)$").matcher(line);
                if (m.matches()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (line.startsWith("curl -s -X POST")) {
                    curl = new StringBuilder();
                }
                if (curl != null) {
                    curl.append(line).append('\n');
                    if (line.startsWith("  -d ")) {
                        break;
                    }
                }
            }
            assertTrue(port > 0 && curl != null, seen.toString());
            String c = curl.toString();
            String token = extract(c, "Authorization: Bearer ([^']+)'");
            String key = extract(c, "Idempotency-Key: ([^']+)'");
            String body = extract(c, "-d '(\\{.*\\})'");
            assertTrue(c.contains("http://127.0.0.1:" + port + "/v1/claims"), c);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/claims"))
                .header("Authorization", "Bearer " + token).header("Idempotency-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"result\":\"GRANTED\""), r.body());
            Path secrets = dir.resolve("data").resolve(Main.DEMO_SECRETS_FILE);
            assertTrue(Files.exists(secrets));
            if (PrivateFiles.posix(secrets)) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)),
                    "the demo's secrets are the owner's only");
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.getParent())));
            }

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
            assertEquals(0, p.exitValue(), "a clean stop exits 0");
        } finally {
            p.destroyForcibly();
        }

        // again on the same data directory: recovery (snapshot and journal), the demo campaign kept
        Process again = java("--port", "0", "--data-dir", dir.resolve("data").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("Dashboard:")) {
                seen.append(line).append('\n');
            }
            assertTrue(seen.toString().contains("already exists"), seen.toString());
            assertTrue(!seen.toString().contains("generated SURGE_"), "the demo secrets were kept: " + seen);
            again.destroy();
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, again.exitValue(), "a clean stop exits 0 after a recovery too");
        } finally {
            again.destroyForcibly();
        }
    }

    private static String extract(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1);
    }

    static void drain(Process p) throws IOException {
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    }
}
