package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.util.GrantIdCipher;
import dev.surge.engine.util.SipHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A hash picks a slot, never an owner (docs/security.md): the two attacks that worked against the
 * unkeyed 64-bit identities, replayed with inputs computed against that hash, and the rules that
 * bound what a client can make the engine remember.
 */
class IdentityTest {
    private final EngineDriver d = new EngineDriver(3);
    private final UnkeyedHashAttack attack = new UnkeyedHashAttack(1);

    private void sale(int perUserLimit) {
        CampaignSpec spec = EngineDriver.campaign("c2", perUserLimit);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        d.upsert(spec);
        d.load("c2", "card", EngineDriver.codes("VICTIM-", 10));
    }

    /** Item 1: mallory's key was chosen so that (mallory, key) hashed exactly like (alice, k1). */
    @Test
    void aKeyCraftedToCollideWithAnotherUsersKeyGetsItsOwnDecision() {
        sale(1);
        ReplyView alice = d.claim("alice", "k1", "c2", "card");
        assertEquals(ResultCode.GRANTED, alice.result);
        String aliceGrant = alice.grantId();
        String aliceCode = alice.items.get(0).code();

        String crafted = attack.keyFor("mallory", UnkeyedHashAttack.oldClaimKey("alice", "k1"));
        assertEquals(UnkeyedHashAttack.oldClaimKey("alice", "k1"), UnkeyedHashAttack.oldClaimKey("mallory", crafted),
            "the input really collides under the old hash");
        ReplyView mallory = d.claim("mallory", crafted, "c2", "card");
        assertEquals(ResultCode.GRANTED, mallory.result, "her own decision: a fresh grant");
        assertFalse(mallory.replayed, "not a replay of alice's");
        assertNotEquals(aliceGrant, mallory.grantId());
        assertNotEquals(aliceCode, mallory.items.get(0).code());
        // and alice's own retry still replays hers
        ReplyView again = d.claim("alice", "k1", "c2", "card");
        assertTrue(again.replayed);
        assertEquals(aliceGrant, again.grantId());
    }

    /** Item 2: a token subject chosen to hash like "alice" owns none of alice's grants. */
    @Test
    void aSubjectCraftedToCollideWithAnotherUserOwnsNothingOfTheirs() {
        sale(5);
        String aliceGrant = d.claim("alice", "k1", "c2", "card").grantId();
        String twin = attack.preimage(UnkeyedHashAttack.hash("alice"));
        assertEquals(UnkeyedHashAttack.hash("alice"), UnkeyedHashAttack.hash(twin), "collides under the old hash");

        assertTrue(d.machine.grantsOf(twin, 100).isEmpty(), "my grants: none of alice's");
        assertEquals(ResultCode.NOT_FOUND, d.query(twin, aliceGrant).result, "another's grant is 404");
        assertEquals(ResultCode.NOT_OWNER, d.redeemGrant(twin, "r1", aliceGrant).result);
        assertEquals(1, d.machine.grantsOf("alice", 100).size());
        assertEquals(ResultCode.FOUND, d.query("alice", aliceGrant).result);
        // the twin's own grants stay its own, and alice's list does not show them
        String twinGrant = d.claim(twin, "k1", "c2", "card").grantId();
        assertEquals(twinGrant, d.machine.grantsOf(twin, 100).get(0).grantId());
        assertEquals(1, d.machine.grantsOf("alice", 100).size());
    }

    /** The table itself, with every slot bit shared: only the full 128-bit identity finds a record. */
    @Test
    void idempotencyRecordsSharingTheirLowHalfAreToldApart() {
        IdempotencyTable t = new IdempotencyTable(StateConfig.DEFAULT_IDEMPOTENCY_WINDOW_MS);
        t.put(1, 42, 7, ResultCode.GRANTED.code(), 5, 0);
        t.put(2, 42, 8, ResultCode.LIMIT_REACHED.code(), 0, 0);
        assertEquals(7, t.fingerprint(t.find(1, 42, 0)));
        assertEquals(8, t.fingerprint(t.find(2, 42, 0)));
        assertEquals(IdempotencyTable.MISSING, t.find(3, 42, 0));
    }

    @Test
    void grantsSharingTheLowHalfOfTheirOwnersIdentityKeepTheirOwners() {
        UserBook users = new UserBook(new SubjectTable(new TableGrowth()),
            new IdempotencyTable(StateConfig.DEFAULT_IDEMPOTENCY_WINDOW_MS), new TableGrowth());
        GrantBook book = new GrantBook(users, new GrantIdCipher(SipHash.random()), new TableGrowth());
        book.add(1, 1, 100, 42, 0, 0);
        book.add(2, 2, 200, 42, 0, 0);
        assertEquals(0, book.newestOf(100, 42), "a list per whole identity");
        assertEquals(1, book.newestOf(200, 42));
        assertEquals(GrantBook.NONE, book.previousOfUser[1], "the other user's grant is not in the list");
        assertTrue(book.owns(1, 200, 42));
        assertFalse(book.owns(0, 200, 42));
        assertTrue(book.owns(0, 100, 42));
    }

    @Test
    void aKeyIsRememberedForTheWindowThenDecidedAfresh() throws IOException {
        sale(1);
        long start = d.now;
        String first = d.claim("alice", "k1", "c2", "card").grantId();
        d.now = start + StateConfig.DEFAULT_IDEMPOTENCY_WINDOW_MS - IdempotencyTable.MINUTE_MS;
        ReplyView within = d.claim("alice", "k1", "c2", "card");
        assertTrue(within.replayed, "within 24 hours: the first answer");
        assertEquals(first, within.grantId());
        d.now = start + StateConfig.DEFAULT_IDEMPOTENCY_WINDOW_MS + IdempotencyTable.MINUTE_MS;
        ReplyView after = d.claim("alice", "k1", "c2", "card");
        assertFalse(after.replayed, "after the window the key is forgotten");
        assertEquals(ResultCode.LIMIT_REACHED, after.result, "and the limit still holds: nothing is issued twice");
        assertEquals(1, d.machine.idempotencyRecords(), "the expired record no longer counts");
        assertEquals(d.machine.digest(), d.replay().digest(), "replay forgets the same records");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.machine.writeSnapshot(new DataOutputStream(bytes));
        StateMachine restored = StateMachine.readSnapshot(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), d.machine.config());
        assertEquals(d.machine.digest(), restored.digest());
    }

    @Test
    void expiredRecordsAreDroppedSoMemoryFollowsTheWindow() {
        sale(1);
        for (int i = 0; i < 20_000; i++) {
            // one user's keys: the first live one is in the user's line, the others spill to the table
            d.claim("u", "k" + i, "c2", "card");
            d.now += 60_000; // a claim a minute: at most 24 * 60 of them are in the window
        }
        assertEquals(24 * 60, d.machine.idempotencyRecords());
        // 20,000 keys would need 65,536 slots; the window's 1,440 need 8,192 (a quarter to half full)
        assertEquals(8_192 * 32, d.machine.idempotencyBytes(), "the table follows the window, not every key ever seen");
        assertEquals(d.machine.digest(), d.replay().digest());
    }

    @Test
    void claimsThatNameNothingPinNoMemory() {
        sale(1);
        for (int i = 0; i < 1_000; i++) {
            assertEquals(ResultCode.UNKNOWN_CAMPAIGN, d.claim("bot", "k" + i, "nope", "card").result);
            assertEquals(ResultCode.UNKNOWN_SKU, d.claim("bot", "s" + i, "c2", "nope").result);
        }
        assertEquals(0, d.machine.idempotencyRecords());
        ReplyView retry = d.claim("bot", "k1", "nope", "card");
        assertFalse(retry.replayed, "decided again");
        assertEquals(ResultCode.UNKNOWN_CAMPAIGN, retry.result);
        assertEquals(d.machine.digest(), d.replay().digest());
    }

    @Test
    void devicesAreTrackedOnlyForGrants() {
        CampaignSpec spec = EngineDriver.campaign("c2", 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        spec.risk.maxAccountsPerDevice = 3;
        d.upsert(spec);
        d.load("c2", "card", EngineDriver.codes("C-", 2));
        d.claim("a", "k", "c2", "card", "dev-a", null, "");
        d.claim("b", "k", "c2", "card", "dev-b", null, "");
        for (int i = 0; i < 500; i++) { // sold out: refusals with made-up device ids
            assertEquals(ResultCode.SOLD_OUT, d.claim("u" + i, "k", "c2", "card", "made-up-" + i, null, "").result);
        }
        assertEquals(2, d.machine.trackedDevices());
        assertEquals(d.machine.digest(), d.replay().digest());
    }
}
