package dev.surge.engine.ring;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Whether the engine may still decide. Once the journal fails the state may be ahead of what is
 * durable, so the engine halts for good: nothing more is acknowledged, and a restart recovers
 * from the journal. Written by the journal thread, read by all.
 */
public final class RingHealth {
    private static final Logger LOG = System.getLogger(RingHealth.class.getName());
    private volatile String haltReason;

    public boolean halted() {
        return haltReason != null;
    }

    public String haltReason() {
        return haltReason;
    }

    void halt(String reason, Throwable cause) {
        if (haltReason == null) {
            haltReason = reason + ": " + cause;
            LOG.log(Level.ERROR, "engine halted, restart to recover from the journal: " + reason, cause);
        }
    }
}
