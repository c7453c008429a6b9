package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.state.StateMachine;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.Durability;
import dev.surge.journal.JournalFiles;
import dev.surge.journal.SnapshotStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end over a real data directory: the known history written by the journal
 * module's ChronicleJournal (code uploads encrypted with a fresh SURGE_CODE_KEY), a snapshot
 * written by its SnapshotStore, and the CLI reading it through JournalReader.
 */
class ChronicleJournalCliTest {
    @TempDir
    Path data;

    private final String key = CliHistory.CODE_KEY;
    private final CliHistory.Standard s = CliHistory.standard();
    /** Chronicle index of each event, by sequence. */
    private final Map<Long, Long> indexOf = new HashMap<>();

    @BeforeEach
    void writeJournal() {
        append(s.h.events);
    }

    private void append(List<byte[]> events) {
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, CodeCipher.fromBase64(key))) {
            long first = journal.lastSequence() + 1;
            for (byte[] e : events) {
                journal.append(journal.lastSequence() + 1, new UnsafeBuffer(e), 0, e.length);
            }
            journal.endOfBatch();
            for (long seq = first; seq <= journal.lastSequence(); seq++) {
                indexOf.put(seq, journal.lastIndex()); // one batch: one document
            }
        }
    }

    private record Result(int code, String out, String err) {
    }

    private Result run(boolean withKey, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("SURGE_DATA_DIR", data.toString());
        if (withKey) {
            env.put("SURGE_CODE_KEY", key);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JournalCli.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void dumpReadsEveryEventWithItsChronicleIndexAndMasksOrRevealsCodes() {
        Result all = run(false, "dump");
        assertEquals(0, all.code(), all.err());
        String[] lines = all.out().split("\n");
        assertEquals(s.h.events.size(), lines.length);
        assertTrue(lines[5].startsWith("{\"index\":" + indexOf.get(6L) + ",\"seq\":6,"), lines[5]);
        assertTrue(lines[2].contains("\"type\":\"CODES_LOADED\",\"campaign\":\"spring\",\"sku\":\"video\",\"count\":5,"
            + "\"encrypted\":true"), lines[2]);
        assertTrue(lines[5].contains("\"items\":[{\"sku\":\"video\",\"codeIndex\":0}]"), lines[5]);

        Result masked = run(true, "dump", "--user", "u3", "--type", "CLAIM_GRANTED");
        assertEquals(0, masked.code(), masked.err());
        assertTrue(masked.out().contains("{\"sku\":\"video\",\"codeIndex\":2,\"code\":\"VX8K-****-****\"},"
            + "{\"sku\":\"music\",\"codeIndex\":0,\"code\":\"MU5C-****-****\"}"), masked.out());

        Result revealed = run(true, "dump", "--user", "u3", "--type", "CLAIM_GRANTED", "--reveal-codes");
        assertTrue(revealed.out().contains("\"code\":\"VX8K-1002-Q002\""), revealed.out());
        Result loads = run(true, "dump", "--type", "CODES_LOADED", "--campaign", "autumn", "--reveal-codes");
        assertTrue(loads.out().contains("\"count\":2,\"duplicatesSkipped\":0,\"codes\":[\"AUTM-1000-Q000\",\"AUTM-1001-Q001\"]"),
            loads.out());

        Result window = run(false, "dump", "--from", "2025-06-18T20:01:00Z", "--result", "SOLD_OUT", "--format", "csv");
        assertEquals(3, window.out().split("\n").length, window.out()); // header + u8 + u11
    }

    @Test
    void statsCountsTheJournal() {
        Result r = run(false, "stats", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"claims\":14,\"claimsByResult\":{\"GRANTED\":9,\"SOLD_OUT\":2,\"LIMIT_REACHED\":2,"
            + "\"UNKNOWN_SKU\":1}"), r.out());
        assertTrue(r.out().contains("{\"campaign\":\"spring\",\"sku\":\"video\",\"claims\":3,\"byResult\":{\"GRANTED\":2,"
            + "\"LIMIT_REACHED\":1},\"itemsGranted\":3,\"codesLoaded\":5}"), r.out());
    }

    @Test
    void verifyPassesACleanJournalAndFailsADoctoredOne() {
        Result clean = run(true, "verify");
        assertEquals(0, clean.code(), clean.out() + clean.err());
        assertTrue(clean.out().contains("versions and checksums OK"), clean.out());

        long seq = s.h.lastSequence();
        long ts = s.h.now + 1_000;
        long reissue = seq + 1;
        long overLimit = seq + 2;
        // properly framed and checksummed by the journal itself: only the invariants can catch them
        append(List.of(
            Forge.claimGranted(reissue, ts, "mallory", "spring", "video", "", 0x51L, 1, new Forge.Item("video", 0)),
            Forge.claimGranted(overLimit, ts, "u1", "spring", "music", "", 0x52L, 2, new Forge.Item("music", 2))));
        for (boolean withKey : new boolean[] {false, true}) {
            Result doctored = run(withKey, "verify");
            assertEquals(1, doctored.code(), doctored.out() + doctored.err());
            assertTrue(doctored.out().contains("VIOLATION code-reissued at seq " + reissue + " (index "
                + indexOf.get(reissue) + "): "), doctored.out());
            assertTrue(doctored.out().contains("VIOLATION user-limit at seq " + overLimit + " (index "
                + indexOf.get(overLimit) + "): user u1 now has 3 grants in campaign spring, over its per-user limit of 2"),
                doctored.out());
            assertTrue(doctored.out().endsWith("FAILED: 2 violations\n"), doctored.out());
        }
    }

    @Test
    void verifyReportsADamagedRecordWithItsIndex() throws IOException {
        // flip a byte inside the last record's body: its CRC32C no longer matches
        Path cycle;
        try (Stream<Path> files = Files.list(JournalFiles.journalDir(data))) {
            cycle = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] last = s.h.events.get(s.h.events.size() - 1);
        byte[] bytes = Files.readAllBytes(cycle);
        int at = lastIndexOf(bytes, last);
        assertTrue(at > 0, "the last event's bytes are in the cycle file");
        try (RandomAccessFile f = new RandomAccessFile(cycle.toFile(), "rw")) {
            f.seek(at + last.length - 1);
            f.write(bytes[at + last.length - 1] ^ 0x5A);
        }
        Result r = run(true, "verify");
        assertEquals(1, r.code(), r.out() + r.err());
        long bad = indexOf.get(s.h.lastSequence());
        assertTrue(r.out().contains("FIRST BAD RECORD at index " + bad + ": checksum mismatch"), r.out());
        assertTrue(r.out().contains("nothing valid follows it: a damaged tail (the bad record at index "), r.out());
        assertTrue(r.out().contains("the rest of its document and 0 document(s) after it"), r.out());

        Result dump = run(false, "dump");
        assertEquals(2, dump.code());
        assertEquals(s.h.events.size() - 1, dump.out().split("\n").length, "rows before the bad record are printed");
        assertTrue(dump.err().startsWith("journal dump: stopped at a bad record (index " + bad + "): checksum mismatch"),
            dump.err());
    }

    @Test
    void replayUntilASequenceUsesTheNewestSnapshotAtOrBeforeIt() {
        StateMachine at10 = s.h.replay(10);
        new SnapshotStore(data, CodeCipher.fromBase64(key)).write(at10, indexOf.get(10L));
        new SnapshotStore(data, CodeCipher.fromBase64(key)).write(s.h.replay(20), indexOf.get(20L));

        Result r = run(true, "replay", "--until", "15", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"sequence\":15,"), r.out());
        assertTrue(r.out().contains("\"snapshotSequence\":10,\"eventsApplied\":5,\"codesDecrypted\":true,\"digest\":\""
            + Long.toHexString(s.h.replay(15).digest()) + "\""), r.out());
        assertTrue(r.out().contains("{\"id\":\"rc\",\"kind\":\"DIRECT_RECHARGE\",\"granted\":2,\"stockLeft\":1,"
            + "\"codesLoaded\":0}"), r.out());

        // without the key snapshots cannot be opened: replay from the start, counting sealed code uploads
        Result noKey = run(false, "replay", "--until", "15", "--json");
        assertEquals(0, noKey.code(), noKey.err());
        assertTrue(noKey.out().contains("\"snapshotSequence\":null,\"eventsApplied\":15,\"codesDecrypted\":false,"),
            noKey.out());
        assertTrue(noKey.out().contains("{\"id\":\"video\",\"kind\":\"CODE\",\"granted\":3,\"stockLeft\":2,"
            + "\"codesLoaded\":5}"), noKey.out());

        Result user = run(true, "replay", "--until", "2025-06-18T20:00:30Z", "--user", "u1");
        assertEquals(0, user.code(), user.err());
        assertTrue(user.out().contains("from the snapshot at seq 10 + 5 events applied"), user.out());
        assertTrue(user.out().matches("(?s).*spring/video  video #0 VX8K-\\*{4}-\\*{4} DELIVERED +-\n.*"), user.out());
    }

    @Test
    void missingDirectoriesAndBadKeysAreOneLineErrors() {
        Result none = run(false, "verify", "--data-dir", data.resolve("nope").toString());
        assertEquals(2, none.code());
        assertEquals("journal verify: no data directory at " + data.resolve("nope")
            + " (give --data-dir or set SURGE_DATA_DIR)\n", none.err());

        Map<String, String> env = Map.of("SURGE_DATA_DIR", data.toString(), "SURGE_CODE_KEY", "not-base64!");
        StringWriter err = new StringWriter();
        int code = JournalCli.run(new String[] {"dump"}, new PrintWriter(new StringWriter()), new PrintWriter(err), env);
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("journal dump: SURGE_CODE_KEY is not valid base64"), err.toString());
        assertFalse(err.toString().contains("not-base64!"), "the key's value is never echoed");
        assertEquals(1, err.toString().split("\n").length, err.toString());

        Map<String, String> wrong = Map.of("SURGE_DATA_DIR", data.toString(), "SURGE_CODE_KEY", CodeCipher.newKeyBase64());
        StringWriter err2 = new StringWriter();
        int code2 = JournalCli.run(new String[] {"dump"}, new PrintWriter(new StringWriter()), new PrintWriter(err2),
            wrong);
        assertEquals(2, code2);
        assertTrue(err2.toString().contains("encrypted body fails authentication (another SURGE_CODE_KEY, or tampered)"),
            err2.toString());
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
