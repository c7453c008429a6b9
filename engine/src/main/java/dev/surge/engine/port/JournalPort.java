package dev.surge.engine.port;

import org.agrona.DirectBuffer;

/**
 * Where decided events go to be kept. Called only by the ring's journal stage, on its one
 * thread (which is also the deciding thread when {@link #waitsForDisk} is false), in sequence order. Implementations may buffer in {@link #append} and must make
 * everything appended durable (to their configured level) before {@link #endOfBatch} returns:
 * replies for the batch are released only after that.
 */
public interface JournalPort extends AutoCloseable {
    /** Appends one event. Throws on an I/O failure, which halts the engine. */
    void append(long sequence, DirectBuffer event, int offset, int length);

    /** Flushes (and, if configured, syncs) what was appended. Throws on failure. */
    void endOfBatch();

    /**
     * Whether {@link #endOfBatch} waits for a disk. When it does, the ring journals on a thread
     * of its own, so that the next batch is decided while this one syncs (group commit); when it
     * does not, deciding and journaling share one thread, and each batch costs one wake-up less.
     */
    default boolean waitsForDisk() {
        return true;
    }

    @Override
    void close();
}
