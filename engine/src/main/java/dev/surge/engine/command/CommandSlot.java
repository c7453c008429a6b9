package dev.surge.engine.command;

import dev.surge.engine.ResultCode;
import org.agrona.ExpandableArrayBuffer;

/**
 * One pre-allocated ring slot: the command a publisher wrote, then the event the engine decided
 * and the reply for the caller. Its buffers are reused for every command that passes through it,
 * so the claim path allocates nothing.
 *
 * <p>Threading: the publisher writes the command fields before publishing; the decide stage
 * (writer thread) writes event and reply; the stages after it only read. The Disruptor's
 * sequence barriers order these accesses.
 */
public final class CommandSlot {
    public CommandType type;
    /** Epoch milliseconds, stamped by the publisher: the engine has no clock of its own. */
    public long timestamp;
    /** Caller's handle for the reply (a channel, a future); opaque to the engine. */
    public Object context;
    public long correlationId;
    /** System.nanoTime() at publish, for latency measurement only (never enters a decision). */
    public long publishedNanos;

    public final ExpandableArrayBuffer command = new ExpandableArrayBuffer(256);
    public int commandLength;

    /** Written by the engine: 0 when the command changed nothing (nothing to journal). */
    public final ExpandableArrayBuffer event = new ExpandableArrayBuffer(256);
    public int eventLength;
    public long eventSequence;

    public final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(256);
    public int replyLength;
    public ResultCode result = ResultCode.NONE;
    /**
     * Answer of a read-only query that is too rich for the binary reply (campaign counters, a
     * page of grants). Queries are operator or page-load traffic, never the claim path, so
     * these answers may allocate.
     */
    public Object answer;
    /** Set by the journal stage once the event is durable to the configured level. */
    public boolean journaled;

    /** Clears what the previous use of this slot left behind. */
    public void reset(CommandType type) {
        this.type = type;
        this.context = null;
        this.correlationId = 0;
        this.commandLength = 0;
        this.eventLength = 0;
        this.eventSequence = 0;
        this.replyLength = 0;
        this.result = ResultCode.NONE;
        this.journaled = false;
        this.answer = null;
    }
}
