package dev.surge.journal.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.GrantSummary;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.BadRecord;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.CorruptJournalException;
import dev.surge.journal.Recovery;
import dev.surge.journal.cli.JournalCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash tests of the engine over the real journal: a child JVM ({@link RingUnderLoadMain}) runs
 * the ring, the Chronicle journal and the snapshot agent under load from several publisher
 * threads and prints every grant it acknowledged; the test SIGKILLs it mid-load, recovers the
 * data directory, and checks that every acknowledged grant is there with the same codes, that no
 * code was issued twice, and that the operator CLI's {@code verify} is clean. Also with the
 * journal's last record torn after the kill: recovery refuses, naming its index, and cuts it only
 * when asked.
 */
class JournalCrashIT {
    private static final int PUBLISHERS = 4;
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path dir;

    private final String key = CodeCipher.newKeyBase64();
    private final CodeCipher cipher = CodeCipher.fromBase64(key);

    @Test
    void killedTwiceMidLoadAtProcessDurabilityLosesNoAcknowledgedGrant() throws Exception {
        Path data = dir.resolve("data");
        // The snapshot agent competes for the two cores with the ring and four publishers: the first
        // kill waits for its first snapshot too, so that the second start recovers from one.
        List<RingChild.Ack> acks = new ArrayList<>(runAndKill(data, "process", 20_000, "first", true));
        // The second start recovers from the first kill (snapshot and journal tail) and carries on.
        acks.addAll(runAndKill(data, "process", 10_000, "second"));
        Recovery.Result fromSnapshot = new Recovery(data, cipher).run();
        System.out.println(fromSnapshot.report());
        assertTrue(fromSnapshot.report().snapshotSequence() > 0, "the snapshot agent wrote a snapshot under load");
        assertEverythingAcknowledgedIsThere(fromSnapshot.machine(), acks);
        assertVerifyIsClean(data);

        // snapshot + tail == the whole journal replayed
        Files.move(data.resolve("snapshots"), dir.resolve("snapshots-aside"));
        Recovery.Result fullReplay = new Recovery(data, cipher).run();
        assertEquals(0, fullReplay.report().snapshotSequence());
        assertEquals(fromSnapshot.machine().lastSequence(), fullReplay.machine().lastSequence());
        assertEquals(fromSnapshot.machine().digest(), fullReplay.machine().digest());
    }

    @Test
    void killedMidLoadAtSyncDurabilityLosesNoAcknowledgedGrant() throws Exception {
        Path data = dir.resolve("data");
        List<RingChild.Ack> acks = runAndKill(data, "sync", 5_000, "sync");
        assertEverythingAcknowledgedIsThere(recover(data), acks);
        assertVerifyIsClean(data);
    }

    @Test
    void aTailTornAfterTheKillIsRefusedNamingItsIndexThenCutOnRequest() throws Exception {
        Path data = dir.resolve("data");
        List<RingChild.Ack> acks = runAndKill(data, "process", 10_000, "torn");
        TailTear tear = TailTear.tearLastRecord(data, cipher);

        CorruptJournalException refused = assertThrows(CorruptJournalException.class,
            () -> new Recovery(data, cipher).run());
        String m = refused.getMessage();
        assertTrue(m.contains("Chronicle index " + BadRecord.describeIndex(tear.index())), m);
        assertTrue(m.contains("The last good event is sequence " + (tear.sequence() - 1)), m);
        assertTrue(m.contains("--truncate-corrupt-tail to discard the bad record at index "
            + BadRecord.describeIndex(tear.index()) + " and everything after it"), m);
        assertTrue(refused.truncatable(), m);
        assertEquals(tear.index(), refused.badRecord().index());
        assertArrayEquals(tear.torn(), tear.bytesIn(tear.file()), "refusing changed nothing on disk");

        Recovery.Result cut = new Recovery(data, cipher).truncateCorruptTail(true).run();
        Recovery.Truncation t = cut.report().truncation();
        assertNotNull(t, cut.report().toString());
        assertEquals(tear.index(), t.fromIndex());
        assertEquals(1, t.documentsCut());
        assertEquals(tear.sequence() - 1, cut.machine().lastSequence());
        // the damaged bytes are kept aside, in the original cycle file, as they were found
        Path aside = t.originalKeptAt().resolve(tear.file().getFileName());
        assertArrayEquals(tear.torn(), tear.bytesIn(aside));

        List<RingChild.Ack> beforeTheTear = acks.stream()
            .filter(a -> !tear.grantIds().contains(a.grantId())).collect(Collectors.toList());
        for (String grantId : tear.grantIds()) {
            assertNull(cut.machine().grant(grantId, false), "the torn grant " + grantId + " was cut off");
        }
        assertEverythingAcknowledgedIsThere(recover(data), beforeTheTear);
        assertVerifyIsClean(data);
    }

    private List<RingChild.Ack> runAndKill(Path data, String durability, int acks, String name) throws Exception {
        return runAndKill(data, durability, acks, name, false);
    }

    /**
     * Starts a child on {@code data}, waits for {@code acks} acknowledgements (and, if asked, a
     * snapshot written), SIGKILLs it.
     */
    private List<RingChild.Ack> runAndKill(Path data, String durability, int acks, String name, boolean snapshot)
            throws Exception {
        try (RingChild child = new RingChild(data, durability, PUBLISHERS, key, dir.resolve(name + ".log"))) {
            child.awaitAcks(acks);
            if (snapshot) {
                awaitSnapshot(data);
            }
            int exit = child.kill();
            assertEquals(SIGKILL_EXIT, exit, "killed by SIGKILL, not ended on its own:\n" + child.log());
            assertTrue(child.readySequence >= 0, "READY came first");
            System.out.printf("%s (%s): %d grants acknowledged before SIGKILL, started at event %d%n",
                name, durability, child.acks.size(), child.readySequence);
            return child.acks;
        }
    }

    private static void awaitSnapshot(Path data) throws IOException, InterruptedException {
        Path snapshots = data.resolve("snapshots");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (Files.isDirectory(snapshots)) {
                try (var files = Files.list(snapshots)) {
                    if (files.anyMatch(f -> f.getFileName().toString().endsWith(".bin"))) {
                        return;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "the snapshot agent wrote no snapshot in 60 s under load");
            Thread.sleep(20);
        }
    }

    private StateMachine recover(Path data) {
        Recovery.Result r = new Recovery(data, cipher).run();
        System.out.println(r.report());
        return r.machine();
    }

    private static void assertEverythingAcknowledgedIsThere(StateMachine machine, List<RingChild.Ack> acks) {
        Set<String> ackedIds = new HashSet<>();
        for (RingChild.Ack ack : acks) {
            assertTrue(ackedIds.add(ack.grantId()), "grant " + ack.grantId() + " acknowledged twice");
            GrantSummary g = machine.grant(ack.grantId(), true);
            assertNotNull(g, "acknowledged grant " + ack.grantId() + " lost");
            assertEquals(ack.sku(), g.sku(), ack.grantId());
            assertEquals(ack.items(), items(g), "grant " + ack.grantId() + " recovered with other codes");
        }

        // Every grant in the state (acknowledged or not): no code twice, nobody over the limit.
        Map<String, String> codeOwner = new HashMap<>();
        long grants = 0;
        for (int u = 0; u < RingUnderLoadMain.USERS; u++) {
            List<GrantSummary> mine = machine.grantsOf("u" + u, Integer.MAX_VALUE);
            assertTrue(mine.size() <= LoadCampaign.PER_USER_LIMIT, "u" + u + " has " + mine.size() + " grants");
            grants += mine.size();
            for (GrantSummary g : mine) {
                for (GrantSummary.Item item : g.items()) {
                    if (item.code() != null) {
                        String before = codeOwner.put(item.code(), g.grantId());
                        assertNull(before, "code " + item.code() + " issued to " + before + " and " + g.grantId());
                    }
                }
            }
        }
        assertEquals(machine.grantCount(), grants, "every grant belongs to a known user");
        assertTrue(grants >= acks.size());

        // The kill came mid-load: codes were still there to grant.
        CampaignCounters c = machine.campaign(LoadCampaign.CAMPAIGN);
        for (CampaignCounters.SkuCounters sku : c.skus()) {
            assertTrue(sku.stockLeft() > 0, sku + ": stock ran out before the kill");
        }
    }

    private static String items(GrantSummary g) {
        return g.items().stream().map(i -> i.sku() + ":" + (i.code() == null ? "" : i.code()))
            .collect(Collectors.joining(","));
    }

    /** {@code scripts/journal verify} in its own JVM, with the code key so that code texts are compared too. */
    private void assertVerifyIsClean(Path data) throws IOException, InterruptedException {
        ProcessBuilder pb = ChildJvm.java(JournalCli.class, "verify", "--data-dir", data.toString())
            .redirectErrorStream(true);
        pb.environment().put("SURGE_CODE_KEY", key);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "verify finished");
        assertEquals(JournalCli.EXIT_OK, p.exitValue(), out);
        assertTrue(out.contains("versions and checksums OK"), out);
        assertTrue(out.contains("OK: no violations"), out);
        assertTrue(!out.contains("code texts not compared"), out);
        Files.writeString(dir.resolve("verify.txt"), out);
    }
}
