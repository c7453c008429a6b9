package dev.surge.engine.state;

import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.GrantIdCipher;
import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;

/**
 * Hashes what the apply of each claim in a {@link ReplayBatch} will hash: its user,
 * Idempotency-Key, device and address, and decrypts a grant's id (four SipHashes), under the
 * machine's keys, so that the apply finds them known ({@link ReplayGroup#apply(ReplayBatch)}). Reads no engine state: a preparer from
 * {@link StateMachine#replayPreparer()} has an {@link Identities} of its own and may run on
 * another thread than the machine's (recovery's reader thread).
 *
 * <p>Threading: confined to one thread (its {@link Identities} keeps a result between calls).
 */
public final class ReplayPreparer {
    private final Identities identities;
    private final GrantIdCipher grantIds;

    ReplayPreparer(Identities identities, GrantIdCipher grantIds) {
        this.identities = identities;
        this.grantIds = grantIds;
    }

    /** Hashes the identities of every claim in the batch, into the batch. */
    public void prepare(ReplayBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            hash(batch, i);
        }
    }

    private void hash(ReplayBatch batch, int i) {
        batch.kind[i] = ReplayBatch.NOTHING;
        if (!batch.parsed[i]) {
            return;
        }
        EventView e = batch.views[i];
        int kind;
        if (e.type == EventType.CLAIM_GRANTED) {
            kind = ReplayBatch.GRANTED_CLAIM;
        } else if (e.type == EventType.CLAIM_REJECTED && e.result != ResultCode.UNKNOWN_CAMPAIGN
            && e.result != ResultCode.UNKNOWN_SKU) { // those are applied without their user (EventApplier)
            kind = ReplayBatch.REJECTED_CLAIM;
        } else {
            return;
        }
        DirectBuffer b = e.buffer();
        batch.userLow[i] = identities.user(b, e.userOffset, e.userLength);
        batch.userHigh[i] = identities.userHigh();
        if (e.keyLength > 0) {
            batch.keyLow[i] = identities.key(Identities.CLAIMS, 0, 0, b, e.keyOffset, e.keyLength);
            batch.keyHigh[i] = identities.keyHigh();
        }
        if (kind == ReplayBatch.GRANTED_CLAIM) { // the limits count the device and the address of a grant
            batch.device[i] = e.deviceLength > 0 ? identities.device(b, e.deviceOffset, e.deviceLength) : 0;
            batch.address[i] = e.ipLength > 0 ? identities.address(b, e.ipOffset, e.ipLength) : 0;
            batch.grant[i] = grantIds.decrypt(e.grantHi, e.grantLo); // GrantBook checks the id is the grant's
        }
        batch.kind[i] = kind;
    }
}
