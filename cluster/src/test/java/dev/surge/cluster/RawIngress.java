package dev.surge.cluster;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A bare cluster session for tests: offers the exact bytes it is given (so the same message can be
 * sent twice, as a client re-sends after a failover) and hands back the raw answer. One thread.
 */
final class RawIngress implements AutoCloseable {
    private final ClusterMembers members;
    private final MediaDriver driver;
    private AeronCluster cluster;
    private byte[] answer;

    RawIngress(ClusterMembers members, Path aeronDir) {
        this.members = members;
        this.driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir.toString())
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(SleepingIdle.create())
            .termBufferSparseFile(true).publicationTermBufferLength(ClusterNode.TERM_LENGTH)
            .ipcTermBufferLength(ClusterNode.TERM_LENGTH).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        connect();
    }

    /** A new session with whichever member leads now (after a leader's death). */
    void connect() {
        CloseHelper.quietClose(cluster);
        cluster = AeronCluster.connect(new AeronCluster.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .ingressChannel("aeron:udp")
            .ingressEndpoints(members.ingressEndpoints())
            .egressChannel("aeron:udp?endpoint=127.0.0.1:0")
            .egressListener(new EgressListener() {
                @Override
                public void onMessage(long sessionId, long timestamp, DirectBuffer buffer, int offset, int length,
                                      Header header) {
                    answer = new byte[length];
                    buffer.getBytes(offset, answer);
                }
            })
            .messageTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
    }

    /** Offers {@code message} (retrying back pressure a while); does not wait for the answer. */
    void offer(UnsafeBuffer message, int length) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.offer(message, 0, length) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cluster took no message for 10 s");
            }
            cluster.pollEgress();
            TestCluster.sleep(1);
        }
    }

    /** Offers {@code message} and waits for an answer: its bytes. */
    byte[] call(UnsafeBuffer message, int length) {
        answer = null;
        offer(message, length);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (answer == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no answer within 20 s");
            }
            if (cluster.pollEgress() == 0) {
                TestCluster.sleep(1);
            }
        }
        return answer;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(cluster, driver);
    }
}
