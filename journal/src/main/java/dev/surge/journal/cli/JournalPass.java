package dev.surge.journal.cli;

/**
 * One command's read of the journal: the opened journal and the progress shown while its
 * events are read. Closing it erases the progress line, then closes the journal.
 *
 * <p>Threading: confined to the CLI's main thread.
 */
final class JournalPass implements AutoCloseable {
    private final JournalAccess journal;
    private final Progress progress;

    JournalPass(JournalAccess journal, Progress progress) {
        this.journal = journal;
        this.progress = progress;
    }

    JournalAccess journal() {
        return journal;
    }

    EventSource events() {
        return journal.events();
    }

    Progress progress() {
        return progress;
    }

    /**
     * Sizes the progress to the events after {@code sequence} (0: all of them), for a
     * percentage. Counting them may take a moment, so only when the progress is shown.
     */
    void countEventsAfter(long sequence) {
        if (progress.enabled()) {
            progress.total(journal.events().estimatedEvents() - sequence);
        }
    }

    @Override
    public void close() {
        try {
            progress.close();
        } finally {
            journal.close();
        }
    }
}
