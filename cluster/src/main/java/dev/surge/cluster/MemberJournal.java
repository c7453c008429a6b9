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
 * journal from another member (docs/cluster.md, "When a member cannot write its journal").
 *
 * <p>A journal that fails is not the member's problem to decide on: the member goes on deciding
 * (the log has every command) and writes no more journal until it restarts. It says so where an
 * operator looks: an ERROR starting {@value #FAILED} (again at each snapshot while it lasts) that
 * says what to do, and {@link #failure()} in the member's {@link NodeState}.
 *
 * <p>Threading: confined to the clustered service's thread.
 */
final class MemberJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberJournal.class);
    /** How every error about a journal this member no longer writes starts: what an operator greps for. */
    static final String FAILED = "JOURNAL FAILED";
    /** Why Recovery may cut a damaged tail here, in its warning (a member has no --truncate-corrupt-tail). */
    private static final String CUT_BECAUSE = "(a cluster member refills it from the replicated log)";
    /** What to do after the journal failed while the member ran. */
    private static final String AFTER_RUNNING_FAILURE = ": this member goes on deciding but writes no more journal. "
        + "Fix the cause (disk space, the directory), then restart this member: it fills its journal again from the "
        + "log, or, when a snapshot was taken since, says at start how to copy another member's journal "
        + "(docs/cluster.md, \"When a member cannot write its journal\")";

    private final Path dataDir;
    private final CodeCipher cipher;
    private ChronicleJournal journal;
    /** Why this member writes no journal, and what to do; null while it writes one. */
    private String failure;
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
            long end = opened.lastSequence();
            opened.close();
            failed("the journal " + JournalFiles.journalDir(dataDir) + " ends at event " + end + " but this member's "
                + "state starts at event " + stateSequence + " (its snapshot): the events between cannot be written "
                + "now, so this member writes no journal (it goes on deciding). " + copyAnother(), null);
            return;
        }
        journal = opened;
    }

    /** The journal, its damaged tail cut off if it had one; null (and failed) when neither opens. */
    private ChronicleJournal openCuttingDamagedTail() {
        try {
            return new ChronicleJournal(dataDir, Durability.PROCESS, cipher);
        } catch (RuntimeException e) {
            LOG.warn("the journal in {} does not open ({}); checking it, and cutting a damaged tail off", dataDir,
                e.getMessage());
        }
        try {
            new Recovery(dataDir, cipher).cutDamagedTail(CUT_BECAUSE).run();
            return new ChronicleJournal(dataDir, Durability.PROCESS, cipher);
        } catch (RuntimeException e) {
            failed("the journal " + JournalFiles.journalDir(dataDir) + " cannot be used (" + e.getMessage()
                + "), so this member writes no journal (it goes on deciding). " + copyAnother(), null);
            return null;
        }
    }

    /**
     * What to do when this member cannot write the journal it has (docs/cluster.md, "When a
     * member cannot write its journal"): continue a copy of another member's, taken while that member is stopped
     * (a running member's journal may be mid-write, its write lock held) and with a majority running.
     */
    private String copyAnother() {
        Path dir = JournalFiles.journalDir(dataDir);
        Path copy = dir.resolveSibling(dir.getFileName() + ".copy");
        return "To repair it, with every member up: stop one other member (the rest of the cluster goes on), copy "
            + "its DIR/journal here as " + copy + " and start it again; then stop this member, move " + dir + " aside, "
            + "rename " + copy + " to " + dir + " and start this member: it continues that journal (docs/cluster.md, "
            + "\"When a member cannot write its journal\")";
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
            failed("the journal " + JournalFiles.journalDir(dataDir) + " failed appending event " + sequence + " ("
                + causes(e) + ")" + AFTER_RUNNING_FAILURE, e);
        }
    }

    /**
     * Syncs the journal to disk: before a snapshot, so that the journal always reaches the newest
     * one. A member that writes no journal says so again: from this snapshot on, a restart alone no
     * longer refills it.
     */
    void forceForSnapshot() {
        if (journal != null) {
            try {
                journal.force();
            } catch (RuntimeException e) {
                failed("the journal " + JournalFiles.journalDir(dataDir) + " failed syncing before a snapshot ("
                    + causes(e) + ")" + AFTER_RUNNING_FAILURE, e);
            }
        } else if (failure != null) {
            LOG.error("{} (still, at a snapshot): {}", FAILED, failure);
        }
    }

    /** From now on this member writes no journal: closed, said in the log, kept for {@link NodeState}. */
    private void failed(String why, RuntimeException cause) {
        failure = why;
        if (cause == null) {
            LOG.error("{}: {}", FAILED, why);
        } else {
            LOG.error("{}: {}", FAILED, why, cause);
        }
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("closing the failed journal: {}", e.toString()); // never the service thread's problem
        }
    }

    /** An exception and its causes in one line: the root cause (a full disk, a missing file) is what to fix. */
    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(": ").append(c);
        }
        return b.toString();
    }

    /** Why this member writes no journal and what to do, null while it writes one. */
    String failure() {
        return failure;
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
