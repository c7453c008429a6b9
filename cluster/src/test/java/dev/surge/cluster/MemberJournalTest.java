package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.journal.CodeCipher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A member's journal when something is wrong with it: a damaged tail is cut without naming the
 * gateway's flag, and a journal the member cannot write says so in its state and in an ERROR an
 * operator can grep, with what to do (docs/cluster.md, "Each member's journal").
 */
class MemberJournalTest {
    private static final CodeCipher CIPHER = CodeCipher.fromBase64(TestCluster.CODE_KEY);

    @TempDir
    Path dir;

    private final List<byte[]> events = history();
    private final CommandSlot slot = new CommandSlot();
    private final Logger log = (Logger) LoggerFactory.getLogger("dev.surge");
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void listen() {
        seen.start();
        log.addAppender(seen);
    }

    @AfterEach
    void stopListening() {
        log.detachAppender(seen);
    }

    /** Ten events: campaigns created, as a member decides them. */
    private static List<byte[]> history() {
        EngineDriver driver = new EngineDriver(7, CIPHER.stateConfig());
        for (int i = 0; i < 10; i++) {
            CampaignSpec spec = EngineDriver.campaign("c" + i, 1);
            EngineDriver.sku(spec, "card", SkuKind.CODE);
            driver.upsert(spec);
        }
        assertEquals(10, driver.events.size());
        return driver.events;
    }

    /** Appends events {@code from} to {@code to} (sequences, from 1) as the service hands them over. */
    private void append(MemberJournal journal, int from, int to) {
        for (int sequence = from; sequence <= to; sequence++) {
            byte[] event = events.get(sequence - 1);
            slot.event.putBytes(0, event);
            slot.eventLength = event.length;
            slot.eventSequence = sequence;
            journal.append(slot);
        }
    }

    private List<String> messages(Level level) {
        return seen.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aDamagedTailIsCutAndRefilledAndNoMessageNamesTheGatewaysFlag() {
        try (MemberJournal journal = new MemberJournal(dir, CIPHER)) {
            journal.open(0);
            append(journal, 1, 8);
        }
        MemberJournals.damageTail(dir);
        try (MemberJournal journal = new MemberJournal(dir, CIPHER)) {
            journal.open(8);
            assertEquals(8, journal.lastSequence(), "the damaged record cut, every event before it kept");
            assertNull(journal.failure());
            append(journal, 9, 10);
            assertEquals(10, journal.lastSequence());
        }
        List<String> warnings = messages(Level.WARN);
        assertTrue(warnings.stream().anyMatch(m -> m.startsWith(
            "cutting the damaged journal tail (a cluster member refills it from the replicated log): ")), warnings.toString());
        for (ILoggingEvent e : seen.list) {
            assertFalse(e.getFormattedMessage().contains("--truncate-corrupt-tail"), "a member has no such flag: " + e);
        }
        assertEquals(List.of(), messages(Level.ERROR));
    }

    @Test
    void aJournalThatEndsBeforeTheStateSaysSoAndHowToRepairIt() {
        try (MemberJournal journal = new MemberJournal(dir, CIPHER)) {
            journal.open(0);
            append(journal, 1, 5);
        }
        try (MemberJournal journal = new MemberJournal(dir, CIPHER)) {
            journal.open(8); // a state restored from a snapshot at event 8
            String failure = journal.failure();
            assertTrue(failure.contains("the journal " + dir.resolve("journal") + " ends at event 5 but this member's "
                + "state starts at event 8"), failure);
            assertTrue(failure.contains("stop one other member (the rest of the cluster goes on), copy its DIR/journal "
                + "here as " + dir.resolve("journal.copy") + " and start it again; then stop this member, move "
                + dir.resolve("journal") + " aside, rename " + dir.resolve("journal.copy") + " to "
                + dir.resolve("journal") + " and start this member"), failure);
            assertEquals(-1, journal.lastSequence());
            append(journal, 9, 10); // decided on, journaled nowhere
            assertEquals(List.of(MemberJournal.FAILED + ": " + failure), messages(Level.ERROR));
        }
        assertEquals(5, MemberJournals.events(dir, CIPHER).size(), "the short journal left as it was");
    }

    @Test
    void aJournalThatFailsWhileTheMemberRunsIsReportedAndAgainAtEachSnapshot() throws Exception {
        try (MemberJournal journal = new MemberJournal(dir, CIPHER)) {
            journal.open(0);
            append(journal, 1, 5);
            journal.forceForSnapshot();
            assertNull(journal.failure());
            Files.move(dir.resolve("journal"), dir.resolve("journal.moved")); // its directory taken away

            journal.forceForSnapshot();
            String failure = journal.failure();
            assertTrue(failure.startsWith("the journal " + dir.resolve("journal") + " failed syncing before a "
                + "snapshot (java.io.UncheckedIOException: fsync of " + dir.resolve("journal") + " failed: "
                + "java.nio.file.NoSuchFileException: " + dir.resolve("journal") + ")"), failure);
            assertTrue(failure.contains("Fix the cause (disk space, the directory), then restart this member"), failure);
            assertEquals(-1, journal.lastSequence());
            append(journal, 6, 7);
            journal.forceForSnapshot();
            assertEquals(List.of(MemberJournal.FAILED + ": " + failure,
                MemberJournal.FAILED + " (still, at a snapshot): " + failure), messages(Level.ERROR));
        }
    }
}
