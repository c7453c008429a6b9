package dev.surge.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The decision memo may save a hash, never change a result. */
class IdentitiesTest {
    private final Identities identities = new Identities(7, 11);
    /** Same key, no memo ever: the reference for every result. */
    private final Identities fresh = new Identities(7, 11);

    @Test
    void aUserIs128BitsAndDependsOnTheKey() {
        long low = identities.user("alice");
        long high = identities.userHigh();
        Identities other = new Identities(7, 12);
        assertNotEquals(low, other.user("alice"));
        assertNotEquals(high, other.userHigh());
        assertNotEquals(low, identities.user("alicf"));
    }

    @Test
    void theSameBytesElsewhereReuseTheCommandsResult() {
        UnsafeBuffer command = buffer("..alice..k1..");
        UnsafeBuffer event = buffer("########alice##k1");
        identities.beginDecision(command);
        long user = identities.user(command, 2, 5);
        long userHigh = identities.userHigh();
        long key = identities.key(Identities.CLAIMS, userHigh, user, command, 9, 2);
        assertEquals(user, identities.user(event, 8, 5));
        assertEquals(userHigh, identities.userHigh());
        assertEquals(key, identities.key(Identities.CLAIMS, userHigh, user, event, 15, 2));
        identities.endDecision();
        assertEquals(fresh.user("alice"), user);
        assertEquals(fresh.userHigh(), userHigh);
    }

    @Test
    void eventBuffersAreNeverRememberedEvenAtTheSamePlace() {
        UnsafeBuffer command = buffer("alice");
        UnsafeBuffer event = buffer("bobby");
        identities.beginDecision(command);
        identities.user(event, 0, 5);
        event.putBytes(0, "carol".getBytes(StandardCharsets.UTF_8));
        assertEquals(fresh.user("carol"), identities.user(event, 0, 5));
        identities.endDecision();
    }

    @Test
    void aScopeIsPartOfTheKeysIdentity() {
        UnsafeBuffer command = buffer("k1");
        identities.beginDecision(command);
        long claims = identities.key(Identities.CLAIMS, 0, 0, command, 0, 2);
        long grants = identities.key(Identities.GRANT_REDEMPTIONS, 0, 0, command, 0, 2);
        identities.endDecision();
        assertNotEquals(claims, grants);
    }

    @Test
    void afterTheDecisionTheCommandBufferMayChange() {
        UnsafeBuffer command = buffer("alice");
        identities.beginDecision(command);
        identities.user(command, 0, 5);
        identities.device(command, 0, 5);
        identities.endDecision();
        command.putBytes(0, "mallo".getBytes(StandardCharsets.UTF_8));
        assertEquals(fresh.user("mallo"), identities.user(command, 0, 5));
        assertEquals(fresh.device("mallo"), identities.device(command, 0, 5));
    }

    /** Random inputs in random places: the memo agrees with a fresh hash every time. */
    @Test
    void randomDecisionsAgreeWithFreshHashes() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            UnsafeBuffer command = new UnsafeBuffer(new byte[64]);
            UnsafeBuffer event = new UnsafeBuffer(new byte[64]);
            random.nextBytes(command.byteArray());
            identities.beginDecision(command);
            for (int call = 0; call < 6; call++) {
                boolean fromCommand = random.nextBoolean();
                UnsafeBuffer b = fromCommand ? command : event;
                int length = random.nextInt(20);
                int offset = random.nextInt(64 - length);
                if (!fromCommand && random.nextBoolean()) {
                    // the event carries a field of the command, as events do
                    int from = random.nextInt(64 - length);
                    event.putBytes(offset, command, from, length);
                } else if (!fromCommand) {
                    random.nextBytes(event.byteArray());
                }
                assertEquals(fresh.user(b, offset, length), identities.user(b, offset, length));
                assertEquals(fresh.userHigh(), identities.userHigh());
                assertEquals(fresh.device(b, offset, length), identities.device(b, offset, length));
                assertEquals(fresh.address(b, offset, length), identities.address(b, offset, length));
                assertEquals(fresh.key(Identities.CLAIMS, 1, 2, b, offset, length),
                    identities.key(Identities.CLAIMS, 1, 2, b, offset, length));
                assertEquals(fresh.keyHigh(), identities.keyHigh());
            }
            identities.endDecision();
        }
    }

    /**
     * What a publisher computed is what the memo answers for those bytes, within the decision only.
     * (Deliberately wrong values here, to see that they are the ones used and then forgotten.)
     */
    @Test
    void aKnownIdentityAnswersForItsBytesUntilTheDecisionEnds() {
        UnsafeBuffer command = buffer("..alice..");
        identities.beginDecision(command);
        identities.knownUser(2, 5, 111, 222);
        assertEquals(111, identities.user(buffer("####alice"), 4, 5), "the event's copy of the bytes");
        assertEquals(222, identities.userHigh());
        assertEquals(fresh.user("alicf"), identities.user(buffer("alicf"), 0, 5), "other bytes: hashed");
        identities.endDecision();
        assertEquals(fresh.user("alice"), identities.user(command, 2, 5), "forgotten with the decision");
    }

    /** A parsed address's key is a function of the address alone: a known one holds across decisions. */
    @Test
    void aKnownAddressKeyAnswersForThatAddressOnly() {
        long expected = fresh.address(0, 0xFFFF_0A00_0001L, 128);
        identities.knownAddress(0, 0xFFFF_0A00_0001L, 128, expected);
        assertEquals(expected, identities.address(0, 0xFFFF_0A00_0001L, 128));
        assertEquals(fresh.address(0, 0xFFFF_0A00_0002L, 128), identities.address(0, 0xFFFF_0A00_0002L, 128));
        assertEquals(fresh.address(0, 0xFFFF_0A00_0000L, 120), identities.address(0, 0xFFFF_0A00_0000L, 120));
        assertEquals(fresh.address(0, 0xFFFF_0A00_0001L, 128), identities.address(0, 0xFFFF_0A00_0001L, 128));
    }

    private static UnsafeBuffer buffer(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
