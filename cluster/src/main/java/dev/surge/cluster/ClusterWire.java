package dev.surge.cluster;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.LoggerFactory;

/**
 * The two messages between a gateway and the cluster, little-endian:
 * <pre>
 * ingress (a command)  correlationId:8, type:1 (CommandType's wire value), clientId:8, answeredBelow:8,
 *                      command (as CommandWriter wrote it)
 * egress (its answer)  correlationId:8, result:1 (ResultCode), replyLength:4, reply (as the engine wrote it
 *                      into the slot), answer (a query's rich answer, {@link AnswerCodec}; absent when none)
 * </pre>
 * The command's time is not sent: the clustered service stamps the log's timestamp, the one
 * clock every node reads the same. The correlation id is the client's own, unchanged when it
 * sends the command again; the service copies it back. The client id (random per client) and
 * the correlation id name a command for the re-send window ({@link AnswerWindow}):
 * {@code answeredBelow} says the client has the answers of all its commands below that
 * correlation id, so the service may forget them.
 *
 * <p>Threading: stateless.
 */
public final class ClusterWire {
    public static final int CORRELATION_OFFSET = 0;
    public static final int TYPE_OFFSET = 8;
    public static final int CLIENT_OFFSET = 9;
    public static final int ANSWERED_BELOW_OFFSET = 17;
    public static final int COMMAND_OFFSET = 25;
    public static final int RESULT_OFFSET = 8;
    public static final int REPLY_LENGTH_OFFSET = 9;
    public static final int REPLY_OFFSET = 13;
    /**
     * The longest answer message a member sends: an eighth of the egress term (what Aeron sends as
     * one message) less the cluster's session header. A rich answer that would not fit is sent as
     * {@link AnswerCodec.TooLarge}.
     */
    public static final int MAX_ANSWER = ClusterNode.TERM_LENGTH / 8 - 64;
    /**
     * The longest command a client sends: an eighth of the ingress term less the cluster's session
     * header and this layout's own; a longer one is answered INVALID without being sent.
     */
    public static final int MAX_COMMAND = ClusterNode.TERM_LENGTH / 8 - 32 - COMMAND_OFFSET;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private ClusterWire() {
    }

    /**
     * Writes the slot's command (type and bytes) under {@code correlationId} of client {@code clientId}
     * ({@code answeredBelow}: none answered yet, the correlation id itself); returns the message length.
     */
    public static int writeCommand(MutableDirectBuffer dst, long clientId, long correlationId, CommandType type,
                                   DirectBuffer command, int length) {
        dst.putLong(CORRELATION_OFFSET, correlationId, LE);
        dst.putByte(TYPE_OFFSET, (byte) type.ordinal()); // CommandType's stable wire value
        dst.putLong(CLIENT_OFFSET, clientId, LE);
        dst.putLong(ANSWERED_BELOW_OFFSET, correlationId, LE);
        dst.putBytes(COMMAND_OFFSET, command, 0, length);
        return COMMAND_OFFSET + length;
    }

    /** Updates an ingress message's {@code answeredBelow} before it is offered (again). */
    public static void putAnsweredBelow(MutableDirectBuffer message, long correlationId) {
        message.putLong(ANSWERED_BELOW_OFFSET, correlationId, LE);
    }

    /** The client id of an ingress message that {@link #readCommand} accepted. */
    public static long clientId(DirectBuffer src, int offset) {
        return src.getLong(offset + CLIENT_OFFSET, LE);
    }

    /** The {@code answeredBelow} of an ingress message that {@link #readCommand} accepted. */
    public static long answeredBelow(DirectBuffer src, int offset) {
        return src.getLong(offset + ANSWERED_BELOW_OFFSET, LE);
    }

    /**
     * Fills {@code slot} from an ingress message, stamped with {@code timestamp}; false (the slot
     * untouched) when the message is too short or names no command type.
     */
    public static boolean readCommand(DirectBuffer src, int offset, int length, long timestamp, CommandSlot slot) {
        if (length < COMMAND_OFFSET) {
            return false;
        }
        CommandType type = CommandType.of(src.getByte(offset + TYPE_OFFSET));
        if (type == null) {
            return false;
        }
        slot.reset(type);
        slot.timestamp = timestamp;
        slot.correlationId = src.getLong(offset + CORRELATION_OFFSET, LE);
        slot.commandLength = length - COMMAND_OFFSET;
        slot.command.putBytes(0, src, offset + COMMAND_OFFSET, slot.commandLength);
        return true;
    }

    /** The correlation id of an ingress or egress message (the same place in both). */
    public static long correlationId(DirectBuffer src, int offset) {
        return src.getLong(offset + CORRELATION_OFFSET, LE);
    }

    /**
     * Writes the answer to the slot's command, with the rich answer the engine left on the slot if
     * any, into {@code dst} (expandable); returns the message length, at most {@link #MAX_ANSWER}.
     */
    public static int writeAnswer(MutableDirectBuffer dst, CommandSlot slot) {
        dst.putLong(CORRELATION_OFFSET, slot.correlationId, LE);
        dst.putByte(RESULT_OFFSET, slot.result.code());
        dst.putInt(REPLY_LENGTH_OFFSET, slot.replyLength, LE);
        dst.putBytes(REPLY_OFFSET, slot.reply, 0, slot.replyLength);
        int end = REPLY_OFFSET + slot.replyLength;
        try {
            return end + AnswerCodec.write(slot.type, slot.answer, dst, end, MAX_ANSWER - end);
        } catch (IllegalArgumentException e) {
            // a bug (an answer with no wire form): the reply still goes, never a failed service
            LoggerFactory.getLogger(ClusterWire.class).error("the answer to a {} has no wire form", slot.type, e);
            return end;
        }
    }

    /** Writes an answer that carries a result only (a message the service could not read). */
    public static int writeAnswer(MutableDirectBuffer dst, long correlationId, ResultCode result) {
        dst.putLong(CORRELATION_OFFSET, correlationId, LE);
        dst.putByte(RESULT_OFFSET, result.code());
        dst.putInt(REPLY_LENGTH_OFFSET, 0, LE);
        return REPLY_OFFSET;
    }

    /**
     * The reply's length in an egress message of {@code length} bytes (the rich answer follows it);
     * -1 when the message is too short to be an answer or its reply does not fit in it.
     */
    public static int replyLength(DirectBuffer src, int offset, int length) {
        if (length < REPLY_OFFSET) {
            return -1;
        }
        int reply = src.getInt(offset + REPLY_LENGTH_OFFSET, LE);
        return reply < 0 || reply > length - REPLY_OFFSET ? -1 : reply;
    }

    /** The result of an egress message, or null when its value is unknown. */
    public static ResultCode result(DirectBuffer src, int offset) {
        return ResultCode.of(src.getByte(offset + RESULT_OFFSET));
    }
}
