package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.delivery.RefundJob.Next;
import dev.surge.delivery.RefundJob.Step;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.state.PendingRefund;
import dev.surge.engine.util.GrantIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of a refund's life at its provider (docs/refunds.md): what each answer means and what comes next. */
class RefundJobTest {
    private static final int TRIES = 3;

    private static RefundJob job() {
        return new RefundJob(0x1234_5678_9ABCL, 42, 1, "T-2026.1", 990, "CNY", "alipay", RefundReason.CANCELLED_ORDER);
    }

    private static SupplierReply answer(int status, String body) {
        return SupplierReply.response(status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static SupplierReply status(String s) {
        return answer(200, "{\"refundId\":\"x\",\"status\":\"" + s + "\"}");
    }

    private static void assertStep(Step step, DeliveryOutcome outcome, RefundStatus status, Next next) {
        assertEquals(outcome, step.outcome(), step.toString());
        assertEquals(status, step.status(), step.toString());
        assertEquals(next, step.next(), step.toString());
    }

    @Test
    void aTwoHundredOrAConflictRefundsIt() {
        assertStep(job().afterSend(answer(200, "{}"), TRIES), DeliveryOutcome.ACCEPTED, RefundStatus.REFUNDED, Next.DONE);
        assertStep(job().afterSend(answer(201, ""), TRIES), DeliveryOutcome.ACCEPTED, RefundStatus.REFUNDED, Next.DONE);
        Step dup = job().afterSend(answer(409, "{\"status\":\"REFUNDED\"}"), TRIES);
        assertStep(dup, DeliveryOutcome.DUPLICATE, RefundStatus.REFUNDED, Next.DONE);
        assertTrue(dup.answered(), "a provider that answers is up");
    }

    @Test
    void anotherFourHundredFailsItAtOnce() {
        RefundJob job = job();
        Step step = job.afterSend(answer(422, "{\"status\":\"FAILED\"}"), TRIES);
        assertStep(step, DeliveryOutcome.REJECTED, RefundStatus.FAILED, Next.DONE);
        assertTrue(step.answered(), "a 4xx is the provider answering: not a breaker failure");
        assertEquals(0, job.tries);
        assertStep(job().afterSend(answer(400, ""), TRIES), DeliveryOutcome.REJECTED, RefundStatus.FAILED, Next.DONE);
    }

    @Test
    void serverErrorsAndRefusedConnectionsAreRetriedThenExhausted() {
        RefundJob job = job();
        assertStep(job.afterSend(answer(503, ""), TRIES), DeliveryOutcome.SERVER_ERROR, RefundStatus.REQUIRED, Next.RETRY);
        assertStep(job.afterSend(SupplierReply.refused("connection refused"), TRIES), DeliveryOutcome.REFUSED,
            RefundStatus.REQUIRED, Next.RETRY);
        Step last = job.afterSend(answer(500, ""), TRIES);
        assertStep(last, DeliveryOutcome.SERVER_ERROR, RefundStatus.REQUIRED, Next.GIVE_UP);
        assertFalse(last.answered(), "a 5xx counts against the provider's circuit");
        assertEquals(3, job.tries);
        assertEquals(3, job.attempts);
        assertFalse(job.inDoubt, "nothing was taken: it may be given up");
    }

    @Test
    void aMetadataAddressGivesUpAtOnce() {
        Step step = job().afterSend(SupplierReply.blocked("not connecting to metadata"), TRIES);
        assertStep(step, DeliveryOutcome.REFUSED, RefundStatus.REQUIRED, Next.GIVE_UP);
    }

    @Test
    void aTimeoutLeavesItInDoubtAndOnlyAQueryFollows() {
        RefundJob job = job();
        Step step = job.afterSend(SupplierReply.lost("no answer within 300 ms"), TRIES);
        assertStep(step, DeliveryOutcome.UNKNOWN, RefundStatus.REQUIRED, Next.ASK);
        assertTrue(job.inDoubt);
        assertStep(job.afterQuery(SupplierReply.lost("no answer"), TRIES), DeliveryOutcome.UNANSWERED,
            RefundStatus.REQUIRED, Next.ASK);
        assertStep(job.afterQuery(answer(503, ""), TRIES), DeliveryOutcome.UNANSWERED, RefundStatus.REQUIRED, Next.ASK);
        assertStep(job.afterQuery(status("PENDING"), TRIES), DeliveryOutcome.IN_PROGRESS, RefundStatus.REQUIRED,
            Next.ASK);
        assertStep(job.afterQuery(status("SOMETHING"), TRIES), DeliveryOutcome.UNANSWERED, RefundStatus.REQUIRED,
            Next.ASK);
        assertTrue(job.inDoubt, "still in doubt until the provider says where it stands");
        assertEquals(4, job.queries, "each unsettled answer lengthens the next wait");
        assertStep(job.afterQuery(status("REFUNDED"), TRIES), DeliveryOutcome.CONFIRMED, RefundStatus.REFUNDED,
            Next.DONE);
        assertFalse(job.inDoubt);
        assertEquals(6, job.attempts, "every request counts");
    }

    @Test
    void inDoubtItNeverGivesUpHoweverOftenTheProviderIsSilent() {
        RefundJob job = job();
        job.afterSend(SupplierReply.lost("timeout"), TRIES);
        for (int i = 0; i < 50; i++) {
            assertEquals(Next.ASK, job.afterQuery(SupplierReply.lost("timeout"), TRIES).next());
        }
    }

    @Test
    void aQueryThatFindsItFailedFailsIt() {
        RefundJob job = job();
        job.afterSend(SupplierReply.lost("timeout"), TRIES);
        assertStep(job.afterQuery(status("FAILED"), TRIES), DeliveryOutcome.QUERY_FAILED, RefundStatus.FAILED,
            Next.DONE);
    }

    @Test
    void neverSeenIsSentAgainWhileTriesAreLeft() {
        RefundJob job = job();
        job.afterSend(SupplierReply.lost("timeout"), TRIES);
        Step step = job.afterQuery(answer(404, ""), TRIES);
        assertStep(step, DeliveryOutcome.NOT_SEEN, RefundStatus.REQUIRED, Next.SEND);
        assertFalse(job.inDoubt, "it never arrived: safe to send");
        job.afterSend(SupplierReply.lost("timeout"), TRIES);
        assertEquals(Next.SEND, job.afterQuery(answer(404, ""), TRIES).next());
        job.afterSend(SupplierReply.lost("timeout"), TRIES);
        assertStep(job.afterQuery(answer(404, ""), TRIES), DeliveryOutcome.NOT_SEEN, RefundStatus.REQUIRED,
            Next.GIVE_UP);
    }

    @Test
    void resumedWhereTheJournalLeftIt() {
        PendingRefund doubt = new PendingRefund(7L, 9, 2, "T-9", 990, "CNY", "alipay", RefundReason.LATE_PAYMENT, 4,
            DeliveryOutcome.UNKNOWN);
        RefundJob job = RefundJob.resume(doubt);
        assertTrue(job.inDoubt, "its last request may have landed: ask first");
        assertEquals(4, job.attempts);
        assertEquals(doubt.refundId(), job.refundId);
        assertEquals(GrantIds.formatOrder(7L, 9) + "-2", job.refundId);
        for (DeliveryOutcome last : new DeliveryOutcome[] {DeliveryOutcome.IN_PROGRESS, DeliveryOutcome.UNANSWERED}) {
            assertTrue(RefundJob.resume(new PendingRefund(7L, 9, 2, "T-9", 990, "CNY", "alipay",
                RefundReason.LATE_PAYMENT, 4, last)).inDoubt, last.name());
        }
        for (DeliveryOutcome last : new DeliveryOutcome[] {DeliveryOutcome.NONE, DeliveryOutcome.SERVER_ERROR,
            DeliveryOutcome.REFUSED, DeliveryOutcome.NOT_SEEN}) {
            assertFalse(RefundJob.resume(new PendingRefund(7L, 9, 2, "T-9", 990, "CNY", "alipay",
                RefundReason.LATE_PAYMENT, 4, last)).inDoubt, last.name());
        }
    }

    @Test
    void theBodyIsTheContractsAndItsSignatureChecks() throws IOException {
        RefundJob job = job();
        byte[] body = RefundBody.of(job);
        Map<String, String> fields = new HashMap<>();
        try (JsonParser p = WireJson.parser(body, 0, body.length)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                fields.put(name, p.getText());
            }
        }
        assertEquals(Map.of("refundId", job.orderId() + "-1", "transactionId", "T-2026.1", "orderId", job.orderId(),
            "amount", "990", "currency", "CNY", "reason", "CANCELLED_ORDER"), fields);
        Signature provider = new Signature("provider-secret");
        assertTrue(provider.verify(body, new Signature("provider-secret").sign(body)));
        assertFalse(provider.verify(body, new Signature("another-secret").sign(body)));
    }
}
