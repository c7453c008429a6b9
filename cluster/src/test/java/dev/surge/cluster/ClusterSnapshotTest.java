package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.CodeCipher;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state of thousands of grants, and answers kept for re-sent commands, through the snapshot
 * stream in many messages, and back, over IPC.
 */
class ClusterSnapshotTest {
    private static final CodeCipher CIPHER = CodeCipher.of(new byte[CodeCipher.KEY_LENGTH]);

    @Test
    void aLargeStateCrossesInManyMessagesAndReadsBackToItsDigest(@TempDir Path dir) throws Exception {
        EngineDriver engine = new EngineDriver(3, CIPHER.stateConfig(), false);
        CampaignSpec spec = EngineDriver.campaign("big", 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        engine.upsert(spec);
        engine.load("big", "card", EngineDriver.codes("code-", 20_000));
        for (int u = 0; u < 10_000; u++) {
            assertEquals(ResultCode.GRANTED, engine.claim("user-" + u, "key-" + u, "big", "card").result);
        }
        StateMachine written = engine.machine;
        AnswerWindow window = new AnswerWindow();
        UnsafeBuffer answer = new UnsafeBuffer(new byte[300]);
        for (long request = 1; request <= 3_000; request++) {
            long client = request % 3 + 1;
            answer.putLong(0, request);
            window.seen(client, 1, 1_000 + request);
            window.keep(client, request, answer, (int) (request % 300));
        }

        MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true)
            .ipcTermBufferLength(64 * 1024));
        Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        try {
            Subscription subscription = aeron.addSubscription("aeron:ipc", 7);
            ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", 7);
            while (subscription.imageCount() == 0) {
                Thread.sleep(1);
            }
            Image image = subscription.imageAtIndex(0);
            // the writer waits on back pressure (64 KiB terms): the reader must read as it writes
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() ->
                ClusterSnapshot.write(written, window, CIPHER, publication, SleepingIdle.create()));
            ClusterSnapshot.Restored restored = ClusterSnapshot.read(image, CIPHER, CIPHER.stateConfig(),
                SleepingIdle.create());
            StateMachine read = restored.machine();
            writing.get(30, TimeUnit.SECONDS);
            assertTrue(publication.position() > 20 * publication.maxPayloadLength(), "many messages");
            assertEquals(written.digest(), read.digest());
            assertEquals(written.lastSequence(), read.lastSequence());
            assertEquals(3_000, restored.window().size());
            assertEquals(window.digest(), restored.window().digest());

            // sealed with the data key: another key cannot read it
            ExclusivePublication second = aeron.addExclusivePublication("aeron:ipc", 8);
            Subscription other = aeron.addSubscription("aeron:ipc", 8);
            while (other.imageCount() == 0) {
                Thread.sleep(1);
            }
            CodeCipher wrong = CodeCipher.of(new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                30, 31, 32});
            CompletableFuture<Void> again = CompletableFuture.runAsync(() ->
                ClusterSnapshot.write(written, window, CIPHER, second, SleepingIdle.create()));
            assertThrows(RuntimeException.class, () ->
                ClusterSnapshot.read(other.imageAtIndex(0), wrong, CIPHER.stateConfig(), SleepingIdle.create()));
            second.close(); // the writer, blocked on a reader that gave up, stops at the closed publication
            again.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
        } finally {
            CloseHelper.closeAll(aeron, driver);
        }
    }
}
