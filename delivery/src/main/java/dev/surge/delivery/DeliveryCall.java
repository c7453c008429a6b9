package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.PendingPage;

/**
 * A command the dispatcher puts through the engine ring, as the slot's context. Its answer comes
 * back on the ring's delivery stage, in ring order with the events around it (see
 * {@link DeliveryAdapter}), and is handled on the dispatcher thread.
 */
abstract class DeliveryCall implements DispatchOutlet.Command {
    /** On the dispatcher thread, in ring order. {@code journaled} is false only when the journal failed. */
    abstract void answered(DeliveryAgent agent, ResultCode result, boolean journaled, String message, Object answer);

    /** One delivery step into the journal (RECORD_DELIVERY). */
    static final class Record extends DeliveryCall {
        final DeliveryJob job;
        final String supplier;
        final DeliveryStatus status;
        final DeliveryOutcome outcome;
        final String detail;
        final int attempt;
        /** The job waits for this record to be journaled before its next step. */
        final boolean awaited;

        Record(DeliveryJob job, String supplier, DeliveryStatus status, DeliveryOutcome outcome, String detail,
               boolean awaited) {
            this.job = job;
            this.supplier = supplier;
            this.status = status;
            this.outcome = outcome;
            this.detail = detail.length() > 200 ? detail.substring(0, 200) : detail;
            this.attempt = job.attempts;
            this.awaited = awaited;
        }

        @Override
        public void write(CommandWriter writer, CommandSlot slot, long now) {
            writer.recordDelivery(slot, now, job.grantHi, job.grantLo, job.item, status, supplier, attempt, detail,
                outcome);
        }

        @Override
        void answered(DeliveryAgent agent, ResultCode result, boolean journaled, String message, Object answer) {
            agent.onRecorded(this, result, journaled, message);
        }
    }

    /** One page of the engine's pending recharges (QUERY_PENDING_DELIVERIES). */
    static final class Page extends DeliveryCall {
        final int cursor;
        final int limit;

        Page(int cursor, int limit) {
            this.cursor = cursor;
            this.limit = limit;
        }

        @Override
        public void write(CommandWriter writer, CommandSlot slot, long now) {
            writer.queryPendingDeliveries(slot, now, cursor, limit);
        }

        @Override
        void answered(DeliveryAgent agent, ResultCode result, boolean journaled, String message, Object answer) {
            agent.onPage(answer instanceof PendingPage p ? p : null);
        }
    }
}
