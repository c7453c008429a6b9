package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.PendingRefundPage;

/**
 * A command the refund dispatcher puts through the engine ring, as the slot's context. Its
 * answer comes back through {@link DeliveryAdapter}, in ring order with the events around it,
 * and is handled on the refund dispatcher's thread.
 */
abstract class RefundCall implements DispatchOutlet.Command {
    /** On the refund dispatcher's thread, in ring order. {@code journaled} is false only when the journal failed. */
    abstract void answered(RefundAgent agent, ResultCode result, boolean journaled, String message, Object answer);

    /** One refund step into the journal (RECORD_REFUND). */
    static final class Record extends RefundCall {
        final RefundJob job;
        final RefundStatus status;
        final DeliveryOutcome outcome;
        final String detail;
        final int attempt;
        /** The job waits for this record to be journaled (a final one): then it is forgotten. */
        final boolean awaited;

        Record(RefundJob job, RefundStatus status, DeliveryOutcome outcome, String detail, boolean awaited) {
            this.job = job;
            this.status = status;
            this.outcome = outcome;
            this.detail = detail.length() > 200 ? detail.substring(0, 200) : detail;
            this.attempt = job.attempts;
            this.awaited = awaited;
        }

        @Override
        public void write(CommandWriter writer, CommandSlot slot, long now) {
            writer.recordRefund(slot, now, job.orderHi, job.orderLo, job.refund, status, attempt, detail, outcome);
        }

        @Override
        void answered(RefundAgent agent, ResultCode result, boolean journaled, String message, Object answer) {
            agent.onRecorded(this, result, journaled, message);
        }
    }

    /** One page of the engine's owed refunds (QUERY_PENDING_REFUNDS). */
    static final class Page extends RefundCall {
        final int cursor;
        final int limit;

        Page(int cursor, int limit) {
            this.cursor = cursor;
            this.limit = limit;
        }

        @Override
        public void write(CommandWriter writer, CommandSlot slot, long now) {
            writer.queryPendingRefunds(slot, now, cursor, limit);
        }

        @Override
        void answered(RefundAgent agent, ResultCode result, boolean journaled, String message, Object answer) {
            agent.onPage(answer instanceof PendingRefundPage p ? p : null);
        }
    }
}
