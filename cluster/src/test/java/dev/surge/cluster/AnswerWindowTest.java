package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.command.CommandType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class AnswerWindowTest {
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);

    private static UnsafeBuffer answer(long correlationId, int length) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[Math.max(8, length)]);
        b.putLong(0, correlationId);
        return b;
    }

    private static void send(AnswerWindow w, long client, long correlation, long answeredBelow, long time) {
        w.seen(client, answeredBelow, time);
        w.keep(client, correlation, answer(correlation, 40), 40);
    }

    @Test
    void aCommandSentAgainFindsItsFirstAnswer() {
        AnswerWindow w = new AnswerWindow();
        send(w, 7, 1, 1, 1_000);
        w.seen(7, 1, 1_001);
        assertEquals(40, w.answered(7, 1, out));
        assertEquals(1, out.getLong(0));
        w.keep(7, 1, answer(99, 40), 40); // a second answer never replaces the first
        assertEquals(40, w.answered(7, 1, out));
        assertEquals(1, out.getLong(0));
        assertEquals(-1, w.answered(7, 2, out), "never sent");
        assertEquals(-1, w.answered(8, 1, out), "another client's command 1 is another command");
    }

    @Test
    void answersTheClientHasAreForgotten() {
        AnswerWindow w = new AnswerWindow();
        for (long c = 1; c <= 10; c++) {
            send(w, 7, c, 1, 1_000 + c);
        }
        assertEquals(10, w.size());
        w.seen(7, 6, 2_000); // the client has the answers of 1 to 5
        assertEquals(5, w.size());
        assertEquals(-1, w.answered(7, 5, out));
        assertEquals(40, w.answered(7, 6, out));
    }

    @Test
    void eachClientKeepsABoundedNumberAndSilentClientsAreForgotten() {
        AnswerWindow w = new AnswerWindow();
        for (long c = 1; c <= AnswerWindow.MAX_PER_CLIENT + 10; c++) {
            send(w, 7, c, 1, 1_000); // never acknowledges
        }
        assertEquals(AnswerWindow.MAX_PER_CLIENT, w.size());
        assertEquals(-1, w.answered(7, 10, out), "the oldest went first");
        assertEquals(40, w.answered(7, 11, out));

        send(w, 8, 1, 1, 1_000 + AnswerWindow.CLIENT_TTL_MS / 2);
        w.seen(8, 1, 1_000 + AnswerWindow.CLIENT_TTL_MS + 1); // client 7 silent for the TTL
        assertEquals(1, w.size());
        assertEquals(-1, w.answered(7, 11, out));
    }

    @Test
    void beyondTheMostClientsTheLongestSilentGoes() {
        AnswerWindow w = new AnswerWindow();
        for (long client = 1; client <= AnswerWindow.MAX_CLIENTS; client++) {
            send(w, client, 1, 1, 10_000 - client); // client 4096 is the longest silent
        }
        send(w, 99_999, 1, 1, 20_000);
        assertEquals(AnswerWindow.MAX_CLIENTS, w.size());
        assertEquals(-1, w.answered(AnswerWindow.MAX_CLIENTS, 1, out));
        assertEquals(40, w.answered(1, 1, out));
    }

    @Test
    void queriesAreNotKept() {
        assertFalse(AnswerWindow.keeps(CommandType.QUERY_GRANT));
        assertFalse(AnswerWindow.keeps(CommandType.QUERY_PENDING_DELIVERIES));
        assertTrue(AnswerWindow.keeps(CommandType.ADJUST_STOCK));
        assertTrue(AnswerWindow.keeps(CommandType.CLAIM));
    }

    /** A window read back from its snapshot goes on exactly as the one that wrote it (every member agrees). */
    @Test
    void aWindowReadBackBehavesAsTheOneThatWroteIt() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        AnswerWindow live = new AnswerWindow();
        long[] next = new long[5];
        long time = 1_000;
        for (int i = 0; i < 5_000; i++) {
            int client = random.nextInt(5);
            time += random.nextInt(50);
            next[client]++;
            send(live, client + 1, next[client], Math.max(1, next[client] - random.nextInt(200)), time);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            live.write(data);
        }
        AnswerWindow read = AnswerWindow.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(live.digest(), read.digest());
        assertEquals(live.size(), read.size());
        for (int i = 0; i < 5_000; i++) { // the same log after the snapshot: the same answers kept
            int client = random.nextInt(5);
            time += random.nextInt(50);
            next[client]++;
            long answered = Math.max(1, next[client] - random.nextInt(200));
            send(live, client + 1, next[client], answered, time);
            send(read, client + 1, next[client], answered, time);
        }
        assertEquals(live.digest(), read.digest());
    }
}
