package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RedeemerKeysTest {
    private final StateMachine machine = new StateMachine();
    private final CommandSlot slot = new CommandSlot();
    private final CommandWriter writer = new CommandWriter();
    private final List<byte[]> events = new ArrayList<>();

    private ResultCode create(String redeemer, byte[] hash) {
        writer.createRedeemer(slot, 5_000, redeemer, hash);
        machine.decide(slot);
        if (slot.eventLength > 0) {
            byte[] e = new byte[slot.eventLength];
            slot.event.getBytes(0, e);
            events.add(e);
        }
        return new ReplyView().read(slot.type, slot.reply, slot.replyLength).result;
    }

    private static byte[] hash(int seed) {
        byte[] h = new byte[32];
        java.util.Arrays.fill(h, (byte) seed);
        return h;
    }

    @Test
    void keysAreJournaledReplayedAndSnapshotted() throws Exception {
        assertEquals(ResultCode.OK, create("shop-1", hash(1)));
        assertEquals(ResultCode.OK, create("shop-1", hash(2)));
        assertEquals(ResultCode.INVALID, create("shop-2", hash(1)), "the same key twice");
        assertEquals(ResultCode.INVALID, create("bad id!", hash(3)));
        assertEquals(ResultCode.INVALID, create("shop-3", new byte[5]));
        assertEquals(2, events.size());
        assertEquals(2, machine.redeemers().size());
        assertEquals("shop-1", machine.redeemers().get(0).redeemer());
        assertArrayEquals(hash(2), machine.redeemers().get(1).keyHash());

        StateMachine replayed = new StateMachine(machine.config());
        for (byte[] e : events) {
            assertEquals(true, replayed.apply(new UnsafeBuffer(e), 0, e.length));
        }
        assertEquals(machine.digest(), replayed.digest());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        machine.writeSnapshot(new DataOutputStream(bytes));
        StateMachine restored = StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            machine.config());
        assertEquals(machine.digest(), restored.digest());
        assertEquals(5_000, restored.redeemers().get(0).createdAt());
    }
}
