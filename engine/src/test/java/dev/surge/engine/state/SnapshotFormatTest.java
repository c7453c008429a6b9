package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SnapshotFormatTest {

    @Test
    void roundTripsTheCurrentFormat() throws IOException {
        StateMachine machine = new StateMachine();
        byte[] bytes = write(machine);
        StateMachine back = StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)), machine.config());
        assertEquals(machine.digest(), back.digest());
    }

    /** Older formats keyed limit counters differently: refused, so recovery replays the journal instead. */
    @Test
    void refusesAnOlderFormat() throws IOException {
        byte[] bytes = write(new StateMachine());
        ByteBuffer.wrap(bytes).putInt(0, StateSnapshot.FORMAT - 1);
        IOException e = assertThrows(IOException.class,
            () -> StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)), StateConfig.randomKey()));
        assertTrue(e.getMessage().contains("format " + (StateSnapshot.FORMAT - 1) + " is not supported"), e.getMessage());
    }

    /** Its tables were built under another identity key: restoring them would find nothing where it was put. */
    @Test
    void refusesASnapshotWrittenUnderAnotherKey() throws IOException {
        byte[] bytes = write(new StateMachine(StateConfig.randomKey()));
        IOException e = assertThrows(IOException.class,
            () -> StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)), StateConfig.randomKey()));
        assertTrue(e.getMessage().contains("another identity key"), e.getMessage());
    }

    private static byte[] write(StateMachine machine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        machine.writeSnapshot(new DataOutputStream(out));
        return out.toByteArray();
    }
}
