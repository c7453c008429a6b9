package dev.surge.journal.cli;

import dev.surge.engine.state.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the CLI in-process over a list of events (and snapshots taken of a state machine), with
 * its own environment and captured output.
 */
final class CliRunner {
    final List<byte[]> events;
    final Map<String, String> env = new HashMap<>();
    private final List<JournalAccess.Snapshot> snapshots = new ArrayList<>();
    private final Map<Long, byte[]> snapshotBytes = new HashMap<>();
    Path lastDataDir;
    String lastKey;

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    CliRunner(List<byte[]> events) {
        this.events = events;
    }

    CliRunner withKey() {
        env.put("SURGE_CODE_KEY", "test-key");
        return this;
    }

    /** Takes a snapshot of {@code machine} as the snapshot agent would. */
    CliRunner snapshot(StateMachine machine) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            machine.writeSnapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        snapshots.add(new JournalAccess.Snapshot(machine.lastSequence(), machine.lastTimestamp(), -1));
        snapshotBytes.put(machine.lastSequence(), bytes.toByteArray());
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JournalCli.run(args, new PrintWriter(out), new PrintWriter(err), env, (dir, key) -> {
            lastDataDir = dir;
            lastKey = key;
            return new JournalAccess(new ListEventSource(events, key == null), snapshots, s -> {
                try {
                    return StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(
                        snapshotBytes.get(s.sequence()))), CliHistory.CONFIG);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, () -> new StateMachine(CliHistory.CONFIG));
        });
        return new Result(code, out.toString(), err.toString());
    }
}
