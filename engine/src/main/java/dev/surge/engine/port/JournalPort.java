package dev.surge.engine.port;

import org.agrona.DirectBuffer;

/**
 * Where decided events go to be kept. Called only by the ring's journal stage, on its one
 * thread, in sequence order. Implementations may buffer in {@link #append} and must make
 * everything appended durable (to their configured level) before {@link #endOfBatch} returns:
 * replies for the batch are released only after that.
 */
public interface JournalPort extends AutoCloseable {
    /** Appends one event. Throws on an I/O failure, which halts the engine. */
    void append(long sequence, DirectBuffer event, int offset, int length);

    /** Flushes (and, if configured, syncs) what was appended. Throws on failure. */
    void endOfBatch();

    @Override
    void close();
}
