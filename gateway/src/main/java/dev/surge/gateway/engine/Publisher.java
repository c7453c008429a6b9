package dev.surge.gateway.engine;

import dev.surge.engine.command.ClaimEdge;
import dev.surge.engine.command.CommandWriter;
import org.agrona.concurrent.EpochClock;

/**
 * What a publishing thread fills commands with: a command writer and the time. In front of the
 * gateway's own ring the writer has this thread's {@link ClaimEdge} and resolves claims at the
 * edge; in front of a cluster it has none (the members resolve and hash, docs/cluster.md). Grant
 * ids need no random bits: they are the grant number under a keyed permutation, made by the
 * engine. Confined to its thread.
 */
public final class Publisher {
    public final CommandWriter writer;
    private final EpochClock clock;

    /** {@code edge}: this thread's, or null to leave claims to the engine. */
    Publisher(EpochClock clock, ClaimEdge edge) {
        this.clock = clock;
        this.writer = new CommandWriter(edge);
    }

    public long now() {
        return clock.time();
    }
}
