package dev.surge.gateway.engine;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.port.ReplyPort;
import dev.surge.engine.reply.ReplyView;
import dev.surge.gateway.auth.PaymentProviders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's reply port: for each slot after the journal stage, hands the answer to the
 * {@link RingCall} that published it, which copies what it needs and continues on its own event
 * loop. Slots published by anything else (tools, tests) have no RingCall and are skipped. An
 * adapter in the house sense: it decodes the ring's output for the gateway, as
 * {@code DeliveryAdapter} does for deliveries.
 *
 * <p>It also keeps the payment providers' secrets current (docs/payments.md): a journaled supplier
 * configuration is a provider's too, before its caller hears OK.
 *
 * <p>Threading: called only on the ring's journal thread, so its one {@link ReplyView} is safe.
 */
public final class ReplyAdapter implements ReplyPort {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyAdapter.class);
    private final ReplyView view = new ReplyView();
    private final EventView event = new EventView();
    private final PaymentProviders providers;

    /** {@code providers}: the gateway's copy of the suppliers' secrets, kept current from the journaled events. */
    public ReplyAdapter(PaymentProviders providers) {
        this.providers = providers;
    }

    @Override
    public void onReply(CommandSlot slot) {
        if (slot.journaled && slot.eventLength > 0 && slot.event.getByte(0) == EventType.SUPPLIER_CONFIGURED.code()
            && event.wrap(slot.event, 0, slot.eventLength)) {
            // however it was configured (admin API, demo setup), a provider's notifications verify from now on
            providers.put(event.supplier(), event.secret());
        }
        if (slot.context instanceof RingCall call) {
            try {
                call.onReply(slot, view);
            } catch (RuntimeException | Error e) {
                // never let a rendering bug reach the ring: it would halt the engine
                LOG.error("reply for {} failed", slot.type, e);
            }
        }
    }
}
