package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.state.PendingDelivery;

/**
 * One recharge item on its way: where it goes and where it stands. Created from a journaled
 * grant (fresh, at the first supplier) or from the engine's pending list (resumed where the
 * journal left it). Confined to the dispatcher thread.
 */
final class DeliveryJob extends LaneJob {
    final long grantHi;
    final int grantLo;
    final int item;
    final String deliveryId;
    final String campaign;
    final String sku;
    final String account;
    int supplierIndex;
    /** Attempt number as journaled: every request (send or query) of this item counts, across restarts. */
    int attempts;
    /** Sends to the current supplier that failed in a way worth retrying. */
    int triesHere;
    /** Consecutive status queries without a settled answer, for their backoff. */
    int queriesHere;
    /** Its grant was revoked: nothing more is sent that the supplier does not hold already (docs/lifecycle.md). */
    boolean revoked;

    DeliveryJob(long grantHi, int grantLo, int item, String campaign, String sku, String account) {
        this.grantHi = grantHi;
        this.grantLo = grantLo;
        this.item = item;
        this.deliveryId = PendingDelivery.deliveryId(grantHi, grantLo, item);
        this.campaign = campaign;
        this.sku = sku;
        this.account = account;
    }

    /** Resumes an item where the journal left it; in doubt when its last request may have landed. */
    static DeliveryJob resume(PendingDelivery p) {
        DeliveryJob job = new DeliveryJob(p.grantHi(), p.grantLo(), p.item(), p.campaign(), p.sku(), p.account());
        job.supplierIndex = p.supplierIndex();
        job.attempts = p.attempts();
        job.inDoubt = p.lastOutcome().maybeApplied();
        job.revoked = p.revoked();
        return job;
    }

    @Override
    String requestId() {
        return deliveryId;
    }

    /** The same for every supplier. */
    @Override
    byte[] newBody() {
        return RechargeBody.of(this);
    }

    String route() {
        return campaign + "/" + sku;
    }

    @Override
    public String toString() {
        return deliveryId + " at #" + supplierIndex + " (" + phase + (inDoubt ? ", in doubt" : "") + ")";
    }

    /** The outcome a supplier's answer to a send means. */
    static DeliveryOutcome ofSend(SupplierReply r) {
        if (r.kind() == SupplierReply.Kind.REFUSED || r.kind() == SupplierReply.Kind.BLOCKED) {
            return DeliveryOutcome.REFUSED; // nothing reached the supplier
        }
        if (r.kind() == SupplierReply.Kind.LOST) {
            return DeliveryOutcome.UNKNOWN;
        }
        int s = r.status();
        if (s >= 200 && s < 300) {
            return DeliveryOutcome.ACCEPTED;
        }
        if (s == 409) {
            return DeliveryOutcome.DUPLICATE;
        }
        if (s >= 400 && s < 500) {
            return DeliveryOutcome.REJECTED;
        }
        return s >= 500 ? DeliveryOutcome.SERVER_ERROR : DeliveryOutcome.UNKNOWN; // 1xx/3xx: not an answer we know
    }

    /** The outcome a supplier's answer to a status query means. */
    static DeliveryOutcome ofQuery(SupplierReply r) {
        return ofQuery(r, "DELIVERED");
    }

    /**
     * The outcome an answer to a status query means, {@code done} being the status that says the
     * request landed (a supplier's DELIVERED, a payment provider's REFUNDED).
     */
    static DeliveryOutcome ofQuery(SupplierReply r, String done) {
        if (r.kind() != SupplierReply.Kind.RESPONSE) {
            return DeliveryOutcome.UNANSWERED;
        }
        if (r.status() == 404) {
            return DeliveryOutcome.NOT_SEEN;
        }
        if (r.status() != 200) {
            return DeliveryOutcome.UNANSWERED;
        }
        String status = r.queriedStatus();
        if (done.equals(status)) {
            return DeliveryOutcome.CONFIRMED;
        }
        return switch (status) {
            case "FAILED" -> DeliveryOutcome.QUERY_FAILED;
            case "PENDING" -> DeliveryOutcome.IN_PROGRESS;
            default -> DeliveryOutcome.UNANSWERED;
        };
    }
}
