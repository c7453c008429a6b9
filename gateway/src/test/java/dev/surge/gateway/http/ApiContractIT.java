package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.risk.RiskReason;
import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.testkit.NoLeakedThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docs/openapi.yaml} against a running gateway, both ways. From the code to the document:
 * every {@link Route} (method and path template), every {@link ErrorCode} with its status, every
 * claim and redemption {@link ResultCode}, and the enums and header names on the wire are in it.
 * From the document to the server: every documented operation, sent with the credential it
 * declares and a placeholder for each path parameter, reaches its route (neither the router's
 * "no such route" 404 nor a 405), is admitted by that credential (no 401 or 403) and answers with
 * a status the operation documents. A 404 for a resource that does not exist (the placeholder
 * campaign, grant or file) is a fine answer: it came from the route's handler.
 */
@ExtendWith(NoLeakedThreads.class)
class ApiContractIT {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    /** The router's message for a path it does not know, as opposed to a resource that does not exist. */
    private static final String UNKNOWN_ROUTE = "no such route";
    private static final String PLACEHOLDER = "contract-probe";
    private static final String PROVIDER = "contract-provider";
    private static final String PROVIDER_SECRET = "contract-provider-secret";

    static TestGateway t;
    static Map<String, Object> api;

    @BeforeAll
    static void start() throws IOException {
        try (Reader r = Files.newBufferedReader(openApiFile(), StandardCharsets.UTF_8)) {
            api = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
        t = TestGateway.start();
        // the payment notification's credential is a configured provider's signature (docs/payments.md)
        assertEquals(200, t.admin("PUT", "/admin/suppliers/" + PROVIDER, "{\"url\":\"http://127.0.0.1:9/pay\","
            + "\"secret\":\"" + PROVIDER_SECRET + "\",\"timeoutMs\":1000,\"maxConcurrency\":1}").status());
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    /** docs/openapi.yaml, found from the working directory up (Failsafe runs in the module's directory). */
    private static Path openApiFile() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path f = dir.resolve("docs").resolve("openapi.yaml");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new AssertionError("docs/openapi.yaml not found above " + Path.of("").toAbsolutePath());
    }

    // ---- from the code to the document ---------------------------------------------------------

    @Test
    void everyRouteIsDocumented() {
        Map<String, Object> paths = map(api, "paths");
        List<String> missing = new ArrayList<>();
        for (Route r : Route.values()) {
            Map<String, Object> item = paths.containsKey(r.template) ? map(paths, r.template) : Map.of();
            if (!item.containsKey(r.method.name().toLowerCase(Locale.ROOT))) {
                missing.add(r.method + " " + r.template);
            }
        }
        assertEquals(List.of(), missing, "routes the router knows but docs/openapi.yaml does not");
    }

    @Test
    void everyErrorCodeIsDocumentedWithItsStatus() {
        Map<String, Object> documented = map(api, "x-surge-error-codes");
        Map<String, Integer> expected = new TreeMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            expected.put(c.name(), c.status.code());
        }
        Map<String, Integer> actual = new TreeMap<>();
        documented.forEach((k, v) -> actual.put(k, ((Number) v).intValue()));
        assertEquals(expected, actual, "x-surge-error-codes: code -> status");
        assertEquals(expected.keySet(), enumAt("components", "schemas", "Error", "properties", "error", "properties",
            "code"), "the Error schema's code enum");
    }

    @Test
    void everyDecisionResultIsDocumented() {
        assertEquals(results(1, 20), enumAt("components", "schemas", "ClaimResult"), "claim results (wire codes 1-19)");
        Set<String> redemption = new TreeSet<>(results(20, 30));
        redemption.add(ResultCode.REVOKED.name());
        assertEquals(redemption, enumAt("components", "schemas", "RedemptionResult", "properties", "result"),
            "redemption results (wire codes 20-29, and REVOKED)");
        assertEquals(new TreeSet<>(List.of("TRANSFERRED", "NOT_FOUND", "REVOKED", "ALREADY_REDEEMED", "NOT_TRANSFERABLE")),
            enumAt("components", "schemas", "TransferResult", "properties", "result"), "gift results (docs/lifecycle.md)");
        assertEquals(names(Arrays.stream(RiskReason.values()).filter(r -> r != RiskReason.NONE).toList()),
            enumAt("components", "schemas", "RiskReason"));
        assertEquals(names(List.of(DeliveryStatus.values())), enumAt("components", "schemas", "DeliveryStatus"));
        assertEquals(names(List.of(CampaignStatus.values())), enumAt("components", "schemas", "CampaignStatus"));
        assertEquals(names(List.of(SkuKind.values())), enumAt("components", "schemas", "SkuKind"));
    }

    @Test
    void everyHeaderIsDocumented() {
        Set<String> responseHeaders = map(map(api, "components"), "headers").keySet();
        assertTrue(responseHeaders.contains(Responses.RETRY_AFTER.toString()), responseHeaders.toString());
        assertTrue(responseHeaders.contains(Responses.IDEMPOTENT_REPLAYED.toString()), responseHeaders.toString());
        Set<String> requestHeaders = new TreeSet<>();
        for (Object p : map(map(api, "components"), "parameters").values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> param = (Map<String, Object>) p;
            if ("header".equals(param.get("in"))) {
                requestHeaders.add((String) param.get("name"));
            }
        }
        assertEquals(new TreeSet<>(List.of("Idempotency-Key", ClientAddress.X_FORWARDED_FOR.toString(),
            DashboardSessions.CSRF_HEADER)), requestHeaders);
        assertEquals(DashboardSessions.COOKIE,
            map(map(map(api, "components"), "securitySchemes"), "dashboardSession").get("name"));
    }

    private static Set<String> results(int fromCode, int toCode) {
        return names(Arrays.stream(ResultCode.values()).filter(r -> r.code() >= fromCode && r.code() < toCode).toList());
    }

    private static Set<String> names(List<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> enumAt(String... path) {
        Map<String, Object> m = api;
        for (String p : path) {
            m = map(m, p);
        }
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) m.get("enum");
        assertNotNull(values, "no enum at " + String.join(".", path));
        return values.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    // ---- from the document to the server -------------------------------------------------------

    @Test
    void anUndocumentedPathIsTheRoutersNotFound() {
        Answer a = call("GET", "/v1/no-such-thing", new Probe(Map.of(), null));
        assertEquals(404, a.status, a.body);
        assertTrue(a.body.contains(UNKNOWN_ROUTE), a.body);
        Answer wrongMethod = call("DELETE", "/v1/claims", new Probe(Map.of(), null));
        assertEquals(405, wrongMethod.status, wrongMethod.body);
    }

    @Test
    void everyDocumentedOperationAnswers() {
        List<String> failures = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, Object> path : map(api, "paths").entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) path.getValue();
            for (Map.Entry<String, Object> op : item.entrySet()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                @SuppressWarnings("unchecked")
                Map<String, Object> operation = (Map<String, Object>) op.getValue();
                String method = op.getKey().toUpperCase(Locale.ROOT);
                String uri = path.getKey().replaceAll("\\{[^}]+}", PLACEHOLDER);
                Answer a = call(method, uri, request(operation));
                String what = method + " " + path.getKey() + " -> " + a.status + " " + a.body;
                if (a.status == 405 || (a.status == 404 && a.body.contains(UNKNOWN_ROUTE))) {
                    failures.add("no such route: " + what);
                    continue;
                }
                if (a.status == 401 || a.status == 403) {
                    failures.add("refused the credential it documents: " + what);
                }
                Map<String, Object> responses = map(operation, "responses");
                if (!responses.containsKey(Integer.toString(a.status)) && !responses.containsKey("default")) {
                    failures.add("undocumented status: " + what);
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(Route.values().length, operations, "one documented operation per route");
    }

    /** A request's headers, and its body or null. */
    private record Probe(Map<String, String> headers, String body) {
    }

    /** What reaches the operation's handler: its credential, its content type with an empty body, an idempotency key. */
    private static Probe request(Map<String, Object> operation) {
        Map<String, String> h = new TreeMap<>();
        h.put("Idempotency-Key", "contract-" + System.nanoTime());
        Object security = operation.get("security");
        if (security instanceof List<?> list && !list.isEmpty()) {
            String scheme = ((Map<?, ?>) list.get(0)).keySet().iterator().next().toString();
            switch (scheme) {
                case "userToken" -> h.put("Authorization", "Bearer " + t.token("contract-user"));
                case "adminToken" -> h.put("Authorization", "Bearer " + TestGateway.ADMIN);
                case "dashboardSession" -> {
                    String cookie = t.dashboardLogin(); // a session of its own: the logout probe ends it
                    h.put("Cookie", cookie);
                    h.put(DashboardSessions.CSRF_HEADER, t.dashboardCsrf(cookie));
                }
                case "providerSignature" -> {
                    h.put("X-Surge-Provider", PROVIDER);
                    h.put(dev.surge.delivery.Signature.HEADER, new dev.surge.delivery.Signature(PROVIDER_SECRET).sign("{}"));
                }
                default -> throw new AssertionError("unknown security scheme " + scheme);
            }
        }
        String body = null;
        if (operation.get("requestBody") instanceof Map<?, ?> requestBody) {
            Map<?, ?> content = (Map<?, ?>) requestBody.get("content");
            boolean json = content.containsKey("application/json");
            h.put("Content-Type", json ? "application/json" : content.keySet().iterator().next().toString());
            body = json ? "{}" : "";
        }
        return new Probe(h, body);
    }


    private record Answer(int status, String body) {
    }

    /** Sends a request. An event stream is not read (it never ends): its status is the answer. */
    private static Answer call(String method, String uri, Probe probe) {
        String body = probe.body;
        HttpRequest.Builder b = HttpRequest.newBuilder(t.base.resolve(uri)).timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        probe.headers.forEach(b::header);
        try {
            HttpResponse<InputStream> r = t.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                String text = stream ? "(event stream)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Answer(r.statusCode(), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertFalse(v == null, "docs/openapi.yaml has no " + key);
        return (Map<String, Object>) v;
    }
}
