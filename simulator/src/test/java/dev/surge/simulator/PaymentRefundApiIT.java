package dev.surge.simulator;

import static dev.surge.simulator.SimClient.refundBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.delivery.Signature;
import dev.surge.testkit.NoLeakedThreads;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The refund API of the payment simulator over HTTP, as Surge's refund client calls it (docs/payments.md). */
@ExtendWith(NoLeakedThreads.class)
class PaymentRefundApiIT {
    static final String ALIPAY = "alipay-secret-0123456789";
    static final String WECHAT = "wechat-secret-0123456789";
    static final String ORDER = "0123456789abcdef01234567";

    PaymentSimulator sim;
    SimClient client;

    @BeforeEach
    void start() {
        sim = new PaymentSimulator(Map.of("alipay", ALIPAY, "wechat", WECHAT), null, 7);
        sim.start("127.0.0.1", 0);
        sim.knobs().checkTransactions = false; // these refunds name no payment; PaymentPayerIT covers the check
        client = new SimClient(sim.port());
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aSignedRefundIsRefundedOnceAndARepeatIs409() throws Exception {
        String body = refundBody("r-1", "tx-1", ORDER, 990, "LATE_PAYMENT");
        SimClient.Res first = client.refund("alipay", ALIPAY, body, "r-1");
        assertEquals(200, first.status(), first.body());
        assertEquals("REFUNDED", first.json().get("status"));
        SimClient.Res again = client.refund("alipay", ALIPAY, body, "r-1");
        assertEquals(409, again.status(), again.body());
        assertEquals("REFUNDED", again.json().get("status"));

        SimClient.Res status = client.status("alipay", ALIPAY, "r-1");
        assertEquals(200, status.status());
        assertEquals("REFUNDED", status.json().get("status"));
        List<PaymentSimulator.Refund> refunds = sim.refunds();
        assertEquals(1, refunds.size());
        PaymentSimulator.Refund r = refunds.get(0);
        assertEquals(List.of("alipay", "r-1", "tx-1", ORDER, 990L, "CNY", "LATE_PAYMENT", "REFUNDED"),
            List.of(r.provider(), r.refundId(), r.transactionId(), r.orderId(), r.amount(), r.currency(), r.reason(),
                r.status()));
        assertEquals(1, sim.duplicates());
        String csv = client.get("/_sim/statement/alipay", null).body();
        assertTrue(csv.startsWith("refundId,transactionId,orderId,amount,currency,reason,status,time\n"), csv);
        assertTrue(csv.contains("\nr-1,tx-1," + ORDER + ",990,CNY,LATE_PAYMENT,REFUNDED,"), csv);
        assertEquals("refundId,transactionId,orderId,amount,currency,reason,status,time\n", sim.statement("wechat"));
    }

    @Test
    void eachProviderHasItsOwnSecretAndLedger() throws Exception {
        String body = refundBody("r-1", "tx-1", ORDER, 990, "DUPLICATE_PAYMENT");
        assertEquals(401, client.refund("alipay", WECHAT, body, "r-1").status(), "another provider's secret");
        assertEquals(401, client.post("/alipay/refunds", body, "Idempotency-Key", "r-1").status(), "no signature");
        assertEquals(401, client.refund("paypal", ALIPAY, body, "r-1").status(), "a provider with no secret");
        assertEquals(401, client.post("/alipay/refunds", body.replace("990", "99"), "Idempotency-Key", "r-1",
            Signature.HEADER, new Signature(ALIPAY).sign(body)).status(), "a body that is not the one signed");
        assertEquals(404, client.status("alipay", ALIPAY, "r-1").status(), "nothing refused was recorded");
        assertTrue(sim.badSignatures() >= 4);

        assertEquals(200, client.refund("alipay", ALIPAY, body, "r-1").status());
        assertEquals(200, client.refund("wechat", WECHAT, body, "r-1").status(), "same refund id, other provider");
        assertEquals(2, sim.refunds().size());
    }

    @Test
    void theStatusQueryIsSignedOverTheRefundId() throws Exception {
        assertEquals(200, client.refund("alipay", ALIPAY, refundBody("r-9", "tx-9", ORDER, 10, "REVOKED"), "r-9")
            .status());
        assertEquals(401, client.get("/alipay/refunds/r-9", null).status(), "unsigned");
        assertEquals(401, client.get("/alipay/refunds/r-9", new Signature(ALIPAY).sign("r-8")).status(),
            "signed over another id");
        assertEquals(401, client.status("alipay", WECHAT, "r-9").status(), "another provider's secret");
        assertEquals(404, client.status("wechat", WECHAT, "r-9").status(), "another provider's ledger");
        assertEquals(404, client.status("alipay", ALIPAY, "r-never").status());
        assertEquals("REFUNDED", client.status("alipay", ALIPAY, "r-9").json().get("status"));
    }

    @Test
    void aBodyOutsideTheContractIs400() throws Exception {
        assertEquals(400, client.refund("alipay", ALIPAY, refundBody("r-1", "tx-1", ORDER, 990, "LATE_PAYMENT"),
            "r-2").status(), "Idempotency-Key is not the refundId");
        String[][] cases = {
            {refundBody("r-1", "tx-1", ORDER, 0, "LATE_PAYMENT"), "amount"},
            {refundBody("r-1", "tx-1", ORDER, 990, "BECAUSE"), "reason"},
            {refundBody("r-1", "tx 1", ORDER, 990, "LATE_PAYMENT"), "transactionId"},
            {refundBody("r-1", "tx-1", "no/such", 990, "LATE_PAYMENT"), "orderId"},
            {refundBody("r-1", "tx-1", ORDER, 990, "LATE_PAYMENT").replace("CNY", "cny"), "currency"},
            {"{\"refundId\":\"r-1\"}", "transactionId"},
            {"not json", "JSON"},
        };
        for (String[] c : cases) {
            SimClient.Res r = client.refund("alipay", ALIPAY, c[0], "r-1");
            assertEquals(400, r.status(), c[0]);
            assertTrue(String.valueOf(r.json().get("error")).contains(c[1]), r.body());
        }
        assertEquals(404, client.status("alipay", ALIPAY, "r-1").status());
    }

    @Test
    void aFailureAppliesNothingAndARejectionIsFailedForGood() throws Exception {
        sim.knobs().failRate = 1.0;
        assertEquals(503, client.refund("alipay", ALIPAY, refundBody("r-1", "tx-1", ORDER, 5, "REVOKED"), "r-1")
            .status());
        assertEquals(503, client.status("alipay", ALIPAY, "r-1").status(), "queries fail alike");
        sim.knobs().failRate = 0;
        assertEquals(404, client.status("alipay", ALIPAY, "r-1").status(), "a 503 recorded nothing");
        assertEquals(200, client.refund("alipay", ALIPAY, refundBody("r-1", "tx-1", ORDER, 5, "REVOKED"), "r-1")
            .status(), "and the retry is taken");

        sim.knobs().rejectRate = 1.0;
        SimClient.Res rejected = client.refund("alipay", ALIPAY, refundBody("r-2", "tx-2", ORDER, 5, "REVOKED"), "r-2");
        assertEquals(422, rejected.status());
        assertEquals("FAILED", rejected.json().get("status"));
        sim.knobs().rejectRate = 0;
        SimClient.Res again = client.refund("alipay", ALIPAY, refundBody("r-2", "tx-2", ORDER, 5, "REVOKED"), "r-2");
        assertEquals(422, again.status(), "a repeat of a FAILED refund is not 409, which would read as refunded");
        assertEquals("FAILED", client.status("alipay", ALIPAY, "r-2").json().get("status"));
    }

    @Test
    void aTimeoutNeverAnswersAndWasAppliedOrNotByItsShare() throws Exception {
        sim.knobs().timeoutRate = 1.0;
        sim.knobs().timeoutAppliedRate = 1.0;
        CompletableFuture<HttpResponse<String>> applied = client.postAsync("/alipay/refunds",
            refundBody("r-1", "tx-1", ORDER, 5, "REVOKED"), Duration.ofMillis(500), "Idempotency-Key", "r-1",
            Signature.HEADER, new Signature(ALIPAY).sign(refundBody("r-1", "tx-1", ORDER, 5, "REVOKED")));
        ExecutionException e = assertThrows(ExecutionException.class, applied::get);
        assertTrue(e.getCause() instanceof HttpTimeoutException, String.valueOf(e.getCause()));
        assertEquals("REFUNDED", client.status("alipay", ALIPAY, "r-1").json().get("status"));

        sim.knobs().timeoutAppliedRate = 0;
        CompletableFuture<HttpResponse<String>> lost = client.postAsync("/alipay/refunds",
            refundBody("r-2", "tx-2", ORDER, 5, "REVOKED"), Duration.ofMillis(500), "Idempotency-Key", "r-2",
            Signature.HEADER, new Signature(ALIPAY).sign(refundBody("r-2", "tx-2", ORDER, 5, "REVOKED")));
        assertThrows(ExecutionException.class, lost::get);
        assertEquals(404, client.status("alipay", ALIPAY, "r-2").status(), "never seen: Surge may send it again");
    }

    @Test
    void aRefundIsPendingUntilItsLatencyIsOver() throws Exception {
        sim.knobs().latencyMs = 10_000;
        String body = refundBody("r-1", "tx-1", ORDER, 5, "CANCELLED_ORDER");
        client.postAsync("/alipay/refunds", body, Duration.ofSeconds(30), "Idempotency-Key", "r-1", Signature.HEADER,
            new Signature(ALIPAY).sign(body));
        NotifyReceiver.await("the refund received", () -> !sim.refunds().isEmpty());
        sim.knobs().latencyMs = 0; // for the queries: the refund above keeps the latency it was received with
        assertEquals("PENDING", client.status("alipay", ALIPAY, "r-1").json().get("status"));
        assertEquals(409, client.refund("alipay", ALIPAY, body, "r-1").status());
    }

    @Test
    void concurrentRetriesOfOneRefundAreTakenOnce() throws Exception {
        String body = refundBody("r-1", "tx-1", ORDER, 5, "DUPLICATE_PAYMENT");
        String sig = new Signature(ALIPAY).sign(body);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(client.postAsync("/alipay/refunds", body, Duration.ofSeconds(10), "Idempotency-Key", "r-1",
                Signature.HEADER, sig));
        }
        int ok = 0;
        int conflicts = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            int s = f.get().statusCode();
            ok += s == 200 ? 1 : 0;
            conflicts += s == 409 ? 1 : 0;
        }
        assertEquals(1, ok);
        assertEquals(7, conflicts);
        assertEquals(1, sim.refunds().size());
    }

    @Test
    void knobsChangeOverHttp() throws Exception {
        assertEquals(200, client.post("/_sim/knobs?failRate=1&latencyMs=0&notifyAttempts=3", "").status());
        assertEquals(1.0, sim.knobs().failRate);
        assertEquals(3, sim.knobs().notifyAttempts);
        assertEquals(400, client.post("/_sim/knobs?failRate=2", "").status());
        assertEquals(400, client.post("/_sim/knobs?bogus=1", "").status());
        assertEquals(400, client.post("/_sim/knobs?checkTransactions=maybe", "").status());
        assertEquals(404, client.get("/nowhere", null).status());
        Map<String, Object> stats = client.get("/_sim/stats", null).json();
        assertEquals(0L, stats.get("refundRequests"));
        assertNull(stats.get("nothing"));
    }
}
