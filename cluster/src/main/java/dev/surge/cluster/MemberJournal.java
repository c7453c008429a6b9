package dev.surge.cluster;

import dev.surge.engine.command.CommandSlot;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.Durability;
import dev.surge.journal.JournalFiles;
import dev.surge.journal.Recovery;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events a member decides, in its own Chronicle journal under its directory
 * ({@code DIR/journal}, the single gateway's format: {@link ChronicleJournal}), so that
 * {@code scripts/journal --data-dir DIR} dumps, verifies and replays what the cluster decided
 * (docs/cluster.md, "Each member's journal"). The replicated log is the durability, so the journal
 * is written at process durability; it is synced to disk before each snapshot
 * ({@link #forceForSnapshot}), so that it always reaches at least as far as the member's newest
 * snapshot.
 *
 * <p><b>Restart.</b> A member re-decides the log from its snapshot (or from the start); every
 * event at or below the journal's last sequence is in the journal already and is skipped, every
 * event after it is appended. So a journal that lost its end (a power cut took unsynced pages, a
 * torn or damaged tail was cut off) is filled again from the log. A journal that ends before the
 * state the member starts from (a member rebuilt from another member's snapshot, a journal
 * deleted) cannot be filled: the member then writes no journal and says so; the operator copies a
 * journal from another member (docs/cluster.md).
 *
 * <p>A journal that fails is not the member's problem to decide on: the member goes on deciding
 * (the log has every command), writes no more journal until it restarts, and logs why.
 *
 * <p>Threading: confined to the clustered service's thread.
 */
final class MemberJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberJournal.class);

    private final Path dataDir;
    private final CodeCipher cipher;
    private ChronicleJournal journal;
    /** Events re-decided that the journal held already. */
    private long skipped;

    /** {@code dataDir}: the member's directory; the journal goes into {@code dataDir/journal}. */
    MemberJournal(Path dataDir, CodeCipher cipher) {
        this.dataDir = dataDir;
        this.cipher = cipher;
    }

    /** Opens the journal for a state at event {@code stateSequence} (0: empty, about to replay the whole log). */
    void open(long stateSequence) {
        ChronicleJournal opened = openCuttingDamagedTail();
        if (opened == null) {
            return;
        }
        if (opened.lastSequence() < stateSequence) {
            LOG.error("the journal {} ends at event {} but this member's state starts at event {} (a snapshot): the "
                + "events between are not in it and cannot be written now, so this member writes no journal. Stop it, "
                + "replace {} with a copy of another member's journal, and start it again (docs/cluster.md)",
                JournalFiles.journalDir(dataDir), opened.lastSequence(), stateSequence, JournalFiles.journalDir(dataDir));
            opened.close();
            return;
        }
        journal = opened;
    }

    /** The journal, its damaged tail cut off if it had one; null (and logged) when neither opens. */
    private ChronicleJournal openCuttingDamagedTail() {
        try {
            return new ChronicleJournal(dataDir, Durability.PROCESS, cipher);
        } catch (RuntimeException e) {
            LOG.warn("the journal in {} does not open ({}); checking it, and cutting a damaged tail off", dataDir,
                e.getMessage());
        }
        try {
            new Recovery(dataDir, cipher).truncateCorruptTail(true).run(); // the log refills what it cuts
            return new ChronicleJournal(dataDir, Durability.PROCESS, cipher);
        } catch (RuntimeException e) {
            LOG.error("the journal in {} cannot be used ({}); this member writes no journal until it is repaired "
                + "(docs/cluster.md)", dataDir, e.getMessage());
            return null;
        }
    }

    /** Appends the slot's event unless the journal holds it already (or there is none). */
    void append(CommandSlot slot) {
        if (journal == null || slot.eventLength == 0) {
            return;
        }
        long sequence = slot.eventSequence;
        long last = journal.lastSequence();
        if (sequence <= last) {
            skipped++;
            return;
        }
        try {
            journal.append(sequence, slot.event, 0, slot.eventLength); // refuses a gap
            journal.endOfBatch();
        } catch (RuntimeException e) {
            fail("appending event " + sequence, e);
        }
    }

    /** Syncs the journal to disk: before a snapshot, so that the journal always reaches the newest one. */
    void forceForSnapshot() {
        if (journal != null) {
            try {
                journal.force();
            } catch (RuntimeException e) {
                fail("syncing before a snapshot", e);
            }
        }
    }

    private void fail(String what, RuntimeException e) {
        LOG.error("the journal in {} failed {}: this member writes no more journal until it restarts, which fills "
            + "it again from the log", dataDir, what, e);
        close();
    }

    /** The journal's last event, -1 when this member writes none. */
    long lastSequence() {
        return journal == null ? -1 : journal.lastSequence();
    }

    /** Events re-decided after a restart that the journal held already. */
    long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        ChronicleJournal j = journal;
        journal = null;
        if (j != null) {
            j.close();
        }
    }
}
