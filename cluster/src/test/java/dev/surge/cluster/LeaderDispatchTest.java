package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.CodeCipher;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The member's own client behind the dispatchers (docs/cluster.md, "Deliveries and refunds on the
 * leader"): open while the member leads, kept when it leads again soon, and closed once it no
 * longer leads, here after the wait for answers, since no cluster answers its read-backs.
 */
class LeaderDispatchTest {
    private static final Duration ANSWERS_WAIT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void anExLeadersClientClosesAfterTheWaitForAnswersUnlessItLeadsAgain() {
        Logger log = (Logger) LoggerFactory.getLogger(LeaderDispatch.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        Path aeronDir = dir.resolve("aeron");
        // nobody at these endpoints: the dispatchers' read-backs stay unanswered
        ClusterEngineClient.Settings nowhere = new ClusterEngineClient.Settings(
            ClusterMembers.parse(TestCluster.freeMembers(3)).ingressEndpoints(), "127.0.0.1", aeronDir,
            Duration.ofSeconds(3), Duration.ofMillis(100));
        StateMachine machine = new StateMachine(CodeCipher.fromBase64(TestCluster.CODE_KEY).stateConfig());
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir.toString())
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(SleepingIdle.create())
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
             LeaderDispatch dispatch = new LeaderDispatch(TestCluster.DELIVERY, nowhere, ANSWERS_WAIT)) {
            dispatch.lead(machine);
            awaitClientThreads(1);
            dispatch.follow();
            dispatch.lead(machine); // leads again before the wait is over: the same client goes on
            TestCluster.sleep(3 * ANSWERS_WAIT.toMillis());
            assertEquals(1, clientThreads(), "the client of a member that leads");

            long followed = System.nanoTime();
            dispatch.follow();
            awaitClientThreads(0);
            long closedMs = (System.nanoTime() - followed) / 1_000_000;
            assertTrue(closedMs >= ANSWERS_WAIT.toMillis(), "closed after " + closedMs + " ms, before the wait");
            List<String> said = closings(seen);
            while (said.isEmpty() && System.nanoTime() - followed < 10_000_000_000L) {
                TestCluster.sleep(20); // said once the client is closed
                said = closings(seen);
            }
            assertEquals(1, said.size(), said.toString());
            assertTrue(said.get(0).matches("closed this member's own cluster client: no longer the leader, [1-9]\\d* of "
                + "its records unanswered after \\d+ ms; what they settle the next leader reads back from the state"),
                said.get(0));
        } finally {
            log.detachAppender(seen);
        }
    }

    private static List<String> closings(ListAppender<ILoggingEvent> seen) {
        synchronized (seen) { // AppenderBase.doAppend appends holding the appender
            return seen.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("closed this member's own cluster client")).toList();
        }
    }

    private static long clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().equals("surge-cluster-client")).count();
    }

    private static void awaitClientThreads(long n) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (clientThreads() != n) {
            assertTrue(System.nanoTime() < deadline, clientThreads() + " client threads, not " + n);
            TestCluster.sleep(20);
        }
    }
}
