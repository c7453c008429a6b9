package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.StateMachine;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

class ClusterWireTest {
    @Test
    void aCommandCrossesTheWireAndIsDecidedAtTheLogsTime() {
        StateMachine machine = new StateMachine(EngineDriver.keyOf(7));
        CommandWriter writer = new CommandWriter();
        CommandSlot sent = new CommandSlot();
        CommandSlot received = new CommandSlot();
        ExpandableArrayBuffer wire = new ExpandableArrayBuffer();

        CampaignSpec spec = EngineDriver.campaign("c", 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        writer.upsertCampaign(sent, 1, spec);
        int length = ClusterWire.writeCommand(wire, 77, 41, sent.type, sent.command, sent.commandLength);
        ClusterWire.putAnsweredBelow(wire, 40);
        assertTrue(ClusterWire.readCommand(wire, 0, length, 5_000, received));
        assertEquals(77, ClusterWire.clientId(wire, 0));
        assertEquals(40, ClusterWire.answeredBelow(wire, 0));
        assertEquals(CommandType.UPSERT_CAMPAIGN, received.type);
        assertEquals(41, received.correlationId);
        assertEquals(5_000, received.timestamp, "the log's time, not the sender's");
        machine.decide(received);
        assertEquals(ResultCode.OK, received.result);
        assertEquals(5_000, machine.lastTimestamp());

        int answer = ClusterWire.writeAnswer(wire, received);
        assertEquals(41, ClusterWire.correlationId(wire, 0));
        assertEquals(ResultCode.OK, ClusterWire.result(wire, 0));
        assertEquals(ClusterWire.REPLY_OFFSET + received.replyLength, answer, "no rich answer");
        assertEquals(received.replyLength, ClusterWire.replyLength(wire, 0, answer));
        ReplyView view = new ReplyView().read(CommandType.UPSERT_CAMPAIGN,
            new org.agrona.concurrent.UnsafeBuffer(wire, ClusterWire.REPLY_OFFSET, received.replyLength),
            received.replyLength);
        assertEquals(ResultCode.OK, view.result);
    }

    @Test
    void aQuerysRichAnswerFollowsItsReply() {
        StateMachine machine = new StateMachine(EngineDriver.keyOf(7));
        CommandWriter writer = new CommandWriter();
        CommandSlot slot = new CommandSlot();
        CampaignSpec spec = EngineDriver.campaign("c", 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        writer.upsertCampaign(slot, 1, spec);
        machine.decide(slot);
        writer.queryCampaigns(slot, 2, "");
        machine.decide(slot);
        ExpandableArrayBuffer wire = new ExpandableArrayBuffer();
        int length = ClusterWire.writeAnswer(wire, slot);
        int reply = ClusterWire.replyLength(wire, 0, length);
        assertEquals(slot.replyLength, reply);
        assertTrue(length > ClusterWire.REPLY_OFFSET + reply, "the counters follow the reply");
        Object answer = AnswerCodec.read(wire, ClusterWire.REPLY_OFFSET + reply, length - ClusterWire.REPLY_OFFSET - reply);
        assertEquals(machine.campaigns(), answer);
        assertEquals(-1, ClusterWire.replyLength(wire, 0, ClusterWire.REPLY_OFFSET + reply - 1), "a reply cut short");
        assertEquals(-1, ClusterWire.replyLength(wire, 0, ClusterWire.REPLY_OFFSET - 1));
    }

    @Test
    void aMessageTooShortOrOfNoKnownTypeIsRefused() {
        ExpandableArrayBuffer wire = new ExpandableArrayBuffer();
        CommandSlot slot = new CommandSlot();
        assertFalse(ClusterWire.readCommand(wire, 0, ClusterWire.COMMAND_OFFSET - 1, 1, slot));
        wire.putByte(ClusterWire.TYPE_OFFSET, (byte) 120);
        assertFalse(ClusterWire.readCommand(wire, 0, ClusterWire.COMMAND_OFFSET, 1, slot));
    }
}
