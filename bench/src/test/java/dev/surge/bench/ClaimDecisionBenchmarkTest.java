package dev.surge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.command.ClaimCommand;
import dev.surge.engine.command.CommandSlot;
import org.junit.jupiter.api.Test;

/** The benchmark measures what it says: claims resolved against the directory of the machine that decides them. */
class ClaimDecisionBenchmarkTest {
    @Test
    void theBatchIsResolvedAgainstTheDecidingMachine() {
        ClaimDecisionBenchmark.Batch batch = new ClaimDecisionBenchmark.Batch();
        batch.users = 1_000;
        for (int iteration = 0; iteration < 2; iteration++) { // a new machine, with a new epoch, each iteration
            batch.setUp();
            batch.encode();
            long epoch = batch.machine.directory().epoch();
            ClaimCommand command = new ClaimCommand();
            for (CommandSlot slot : batch.batch) {
                assertEquals(epoch, command.wrap(slot.command).epoch(), "resolved at the edge of this machine");
            }
            new ClaimDecisionBenchmark().decide(batch);
            for (CommandSlot slot : batch.batch) {
                assertEquals(true, slot.eventLength > 0, "granted");
            }
        }
    }
}
