package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.wire.WireWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Redeemer keys: journaled with their scope, and a key redeems the codes of its campaigns only. */
class RedeemerKeysTest {
    private static final byte[] C1_KEY = EngineDriver.keyHash(1);
    private static final byte[] C2_KEY = EngineDriver.keyHash(2);

    /** Campaigns c1 and c2 with one CODE SKU each, codes loaded as given, one claim of each. */
    private static EngineDriver twoCampaigns(String c2Code) {
        EngineDriver d = new EngineDriver();
        for (String campaign : List.of("c1", "c2")) {
            CampaignSpec spec = EngineDriver.campaign(campaign, 5);
            EngineDriver.sku(spec, "card", SkuKind.CODE);
            assertEquals(ResultCode.OK, d.upsert(spec).result);
        }
        assertEquals(1, d.load("c1", "card", List.of("C1-CODE")).loaded);
        assertEquals(1, d.load("c2", "card", List.of(c2Code)).loaded);
        assertEquals(ResultCode.OK, d.createRedeemer("shop-1", C1_KEY, "c1").result);
        assertEquals(ResultCode.OK, d.createRedeemer("shop-2", C2_KEY, "c2").result);
        assertEquals(ResultCode.GRANTED, d.claim("alice", "k1", "c1", "card").result);
        assertEquals(ResultCode.GRANTED, d.claim("bob", "k1", "c2", "card").result);
        return d;
    }

    @Test
    void aKeyRedeemsTheCodesOfItsCampaignsAndNoOthers() throws IOException {
        EngineDriver d = twoCampaigns("C2-CODE");
        ReplyView outside = d.redeemCode("shop-1", C1_KEY, "r1", "C2-CODE");
        assertEquals(ResultCode.NOT_FOUND, outside.result, "c2's code to a key scoped to c1");
        assertFalse(outside.hasGrant && (outside.grantHi != 0 || outside.grantLo != 0), "no grant id leaks");
        assertEquals(ResultCode.REDEEMED, d.redeemCode("shop-1", C1_KEY, "r2", "C1-CODE").result);
        assertEquals(ResultCode.REDEEMED, d.redeemCode("shop-2", C2_KEY, "r1", "C2-CODE").result,
            "the refused attempt changed nothing for the code's own campaign");
        assertEquals(ResultCode.NOT_FOUND, d.redeemCode("shop-2", C2_KEY, "r2", "C1-CODE").result);
        assertEquals(ResultCode.NOT_FOUND, d.redeemCode("shop-1", EngineDriver.keyHash(9), "r3", "C1-CODE").result,
            "a key the engine does not know redeems nothing");
        assertEquals(1, d.machine.campaign("c1").redeemed());
        assertEquals(1, d.machine.campaign("c2").redeemed());

        assertEquals(d.machine.digest(), d.replay().digest(), "replaying the journal gives the same state");
        assertEquals(d.machine.digest(), snapshotRoundTrip(d.machine).digest());
    }

    /**
     * Another campaign's code and a code that does not exist get the same reply, byte for byte, and
     * the same journaled event, also when the Idempotency-Key is used again. The two histories differ
     * only in which code c2 holds: in one "C2-CODE" is granted in c2, in the other it never existed.
     */
    @Test
    void anotherCampaignsCodeIsIndistinguishableFromACodeThatDoesNotExist() {
        EngineDriver scoped = twoCampaigns("C2-CODE");
        EngineDriver absent = twoCampaigns("OTHER-CODE");
        assertEquals(scoped.events.size(), absent.events.size());

        ReplyView a = scoped.redeemCode("shop-1", C1_KEY, "r1", "C2-CODE");
        ReplyView b = absent.redeemCode("shop-1", C1_KEY, "r1", "C2-CODE");
        assertEquals(ResultCode.NOT_FOUND, a.result);
        assertEquals(ResultCode.NOT_FOUND, b.result);
        assertArrayEquals(absent.replyBytes(), scoped.replyBytes(), "the reply");
        assertArrayEquals(last(absent.events), last(scoped.events), "the journaled event");

        ReplyView again = scoped.redeemCode("shop-1", C1_KEY, "r1", "C2-CODE");
        absent.redeemCode("shop-1", C1_KEY, "r1", "C2-CODE");
        assertTrue(again.replayed);
        assertEquals(ResultCode.NOT_FOUND, again.result);
        assertArrayEquals(absent.replyBytes(), scoped.replyBytes(), "the idempotent replay");
        assertEquals(absent.events.size(), scoped.events.size(), "a replay journals nothing in either");
    }

    @Test
    void keysAreJournaledWithTheirScopeReplayedAndSnapshotted() throws IOException {
        EngineDriver d = twoCampaigns("C2-CODE");
        assertEquals(ResultCode.OK, d.createRedeemer("shop-3", EngineDriver.keyHash(3), "c2", "c1").result);
        assertEquals(ResultCode.INVALID, d.createRedeemer("shop-4", C1_KEY, "c1").result, "the same key twice");
        assertEquals(ResultCode.INVALID, d.createRedeemer("bad id!", EngineDriver.keyHash(4), "c1").result);
        assertEquals(ResultCode.INVALID, d.createRedeemer("shop-4", new byte[5], "c1").result);
        assertInvalid(d.createRedeemer("shop-4", EngineDriver.keyHash(4)), "campaigns: 1-64");
        assertInvalid(d.createRedeemer("shop-4", EngineDriver.keyHash(4), "c1", "spring-vp"),
            "campaigns: no campaign spring-vp");
        assertInvalid(d.createRedeemer("shop-4", EngineDriver.keyHash(4), "c1", "c2", "c1"),
            "campaigns: c1 is listed twice");
        String[] tooMany = new String[RedeemerKey.MAX_CAMPAIGNS + 1];
        java.util.Arrays.fill(tooMany, "c1");
        assertInvalid(d.createRedeemer("shop-4", EngineDriver.keyHash(4), tooMany), "campaigns: 1-64");

        List<RedeemerKey> keys = d.machine.redeemers();
        assertEquals(3, keys.size());
        assertEquals("shop-1", keys.get(0).redeemer());
        assertEquals(List.of("c1"), keys.get(0).campaigns());
        assertEquals(List.of("c2", "c1"), keys.get(2).campaigns());
        assertArrayEquals(EngineDriver.keyHash(3), keys.get(2).keyHash());

        StateMachine replayed = d.replay();
        assertEquals(d.machine.digest(), replayed.digest());
        assertEquals(List.of("c2", "c1"), replayed.redeemers().get(2).campaigns());
        StateMachine restored = snapshotRoundTrip(d.machine);
        assertEquals(d.machine.digest(), restored.digest());
        assertEquals(List.of("c2", "c1"), restored.redeemers().get(2).campaigns());
        assertEquals(d.now, restored.redeemers().get(0).createdAt());
    }

    /** Two keys of one merchant: the second key's retry of the first's Idempotency-Key learns nothing of its answer. */
    @Test
    void anotherKeyOfTheSameMerchantCannotReplayAnAnswerOutsideItsScope() {
        EngineDriver d = twoCampaigns("C2-CODE");
        assertEquals(ResultCode.OK, d.createRedeemer("shop-1", EngineDriver.keyHash(5), "c2").result);
        assertEquals(ResultCode.REDEEMED, d.redeemCode("shop-1", EngineDriver.keyHash(5), "same", "C2-CODE").result);
        ReplyView other = d.redeemCode("shop-1", C1_KEY, "same", "C2-CODE");
        assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, other.result, "not a replay of the c2 key's REDEEMED");
        assertFalse(other.hasGrant && (other.grantHi != 0 || other.grantLo != 0));
    }

    @Test
    void theDigestCoversTheScope() {
        EngineDriver one = twoCampaigns("C2-CODE");
        EngineDriver other = twoCampaigns("C2-CODE");
        one.createRedeemer("shop-3", EngineDriver.keyHash(3), "c1");
        other.createRedeemer("shop-3", EngineDriver.keyHash(3), "c2");
        assertTrue(one.machine.digest() != other.machine.digest(), "same keys, different scopes");
    }

    /** A REDEEMER_CREATED journaled before keys had scopes: the key is known and redeems nothing. */
    @Test
    void aKeyFromBeforeScopesRedeemsNothing() throws IOException {
        EngineDriver d = twoCampaigns("C2-CODE");
        byte[] legacy = legacyRedeemerCreated(d.machine.lastSequence() + 1, d.now, "old-shop", EngineDriver.keyHash(7));
        assertTrue(d.machine.apply(new UnsafeBuffer(legacy), 0, legacy.length));
        d.events.add(legacy);
        RedeemerKey key = d.machine.redeemers().get(2);
        assertEquals("old-shop", key.redeemer());
        assertTrue(key.unscoped());

        assertEquals(ResultCode.NOT_FOUND, d.redeemCode("old-shop", EngineDriver.keyHash(7), "r1", "C1-CODE").result);
        assertEquals(ResultCode.NOT_FOUND, d.redeemCode("old-shop", EngineDriver.keyHash(7), "r2", "C2-CODE").result);
        assertEquals(ResultCode.INVALID, d.createRedeemer("old-shop", EngineDriver.keyHash(7), "c1").result,
            "the old key cannot be re-registered; the operator creates a new one");
        assertEquals(ResultCode.OK, d.createRedeemer("old-shop", EngineDriver.keyHash(8), "c1").result);
        assertEquals(ResultCode.REDEEMED, d.redeemCode("old-shop", EngineDriver.keyHash(8), "r3", "C1-CODE").result);

        assertEquals(d.machine.digest(), d.replay().digest());
        StateMachine restored = snapshotRoundTrip(d.machine);
        assertEquals(d.machine.digest(), restored.digest());
        assertTrue(restored.redeemers().get(2).unscoped());
    }

    /** The layout journals had before scopes: header, redeemer, keyHash, nothing after. */
    private static byte[] legacyRedeemerCreated(long sequence, long timestamp, String redeemer, byte[] keyHash) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.REDEEMER_CREATED.code()).putLong(sequence).putLong(timestamp);
        w.putString(redeemer).putBytes(keyHash, 0, keyHash.length);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    private static void assertInvalid(ReplyView r, String message) {
        assertEquals(ResultCode.INVALID, r.result);
        assertTrue(r.message.startsWith(message), r.message);
    }

    private static byte[] last(List<byte[]> events) {
        return events.get(events.size() - 1);
    }

    private static StateMachine snapshotRoundTrip(StateMachine machine) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        machine.writeSnapshot(new DataOutputStream(bytes));
        return StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            machine.config());
    }
}
