package dev.surge.cluster;

import dev.surge.delivery.DeliveryMetrics;
import dev.surge.delivery.DeliverySettings;
import dev.surge.engine.state.StateConfig;
import dev.surge.journal.CodeCipher;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running member of a Surge cluster: a {@link ClusteredMediaDriver} (the media driver, the
 * archive that records the log, and the consensus module that replicates it) and a
 * {@link ClusteredServiceContainer} running the {@link SurgeClusteredService}. Every agent shares
 * one thread per component ({@link ThreadingMode#SHARED}) and sleeps when idle
 * ({@link SleepingIdle}); terms are small (a node holds few messages in flight).
 *
 * <p>A member as {@code scripts/cluster-node} runs it ({@link #launchMember}) also writes the
 * events it decides into its own journal ({@code DIR/journal}) and, while it leads, delivers
 * recharges and refunds ({@link LeaderDispatch}).
 *
 * <p>{@link #close} stops the node as a crash would, taking no snapshot: the log on disk is what
 * it restarts from.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** Term of every publication the driver makes (ingress, egress, consensus): a message may be an eighth of it. */
    static final int TERM_LENGTH = 1 << 20;
    /** Term of the replicated log. */
    static final int LOG_TERM_LENGTH = 4 << 20;

    private final NodeSettings settings;
    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final SurgeClusteredService service;

    private ClusterNode(NodeSettings settings, ClusteredMediaDriver driver, ClusteredServiceContainer container,
                        SurgeClusteredService service) {
        this.settings = settings;
        this.driver = driver;
        this.container = container;
        this.service = service;
    }

    /**
     * Starts a member as {@code scripts/cluster-node} runs it: the events it decides into
     * {@code DIR/journal}, deliveries and refunds under {@code delivery} while it leads.
     */
    public static ClusterNode launchMember(NodeSettings settings, CodeCipher cipher, StateConfig config,
                                           DeliverySettings delivery, Runnable onTerminate) {
        // an ex-leader's records are answered once the next leader is elected and decides them: the cluster
        // gives a silent client's session this long, and so does the ex-leader's client its answers
        LeaderDispatch dispatch = new LeaderDispatch(delivery, ClusterEngineClient.Settings.of(settings.members(),
            settings.members().host(settings.id()), settings.aeronDir()), settings.sessionTimeout());
        try {
            return launch(settings, new SurgeClusteredService(cipher, config, new MemberJournal(settings.dir(), cipher),
                dispatch), onTerminate);
        } catch (RuntimeException | Error e) {
            dispatch.close();
            throw e;
        }
    }

    /** Starts the node; {@code onTerminate} runs when the cluster is shut down from outside (ClusterTool). */
    public static ClusterNode launch(NodeSettings settings, SurgeClusteredService service, Runnable onTerminate) {
        String aeronDir = settings.aeronDir().toString();
        ClusteredMediaDriver driver = ClusteredMediaDriver.launch(driverContext(aeronDir),
            archiveContext(settings, aeronDir), consensusContext(settings, aeronDir, onTerminate));
        try {
            ClusteredServiceContainer container = ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
                .aeronDirectoryName(aeronDir)
                .archiveContext(localArchive(aeronDir))
                .clusterDir(settings.clusterDir().toFile())
                .clusteredService(service)
                .idleStrategySupplier(SleepingIdle::create)
                .errorHandler(ClusterNode::logError)
                .terminationHook(onTerminate));
            LOG.info("member {} of {} started: {} (file sync level {})", settings.id(), settings.members().size(),
                settings.members().endpoint(settings.id(), ClusterMembers.INGRESS), settings.fileSyncLevel());
            return new ClusterNode(settings, driver, container, service);
        } catch (RuntimeException | Error e) {
            CloseHelper.quietClose(driver);
            throw e;
        }
    }

    private static MediaDriver.Context driverContext(String aeronDir) {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(SleepingIdle.create())
            .errorHandler(ClusterNode::logError)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    }

    private static Archive.Context archiveContext(NodeSettings s, String aeronDir) {
        String host = s.members().host(s.id());
        return new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(s.archiveDir().toFile())
            .archiveId(s.id())
            .controlChannel("aeron:udp?endpoint=" + s.members().endpoint(s.id(), ClusterMembers.ARCHIVE))
            .localControlChannel("aeron:ipc")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .errorHandler(ClusterNode::logError)
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(SleepingIdle::create)
            .fileSyncLevel(s.fileSyncLevel())
            .catalogFileSyncLevel(s.fileSyncLevel());
    }

    private static ConsensusModule.Context consensusContext(NodeSettings s, String aeronDir, Runnable onTerminate) {
        String host = s.members().host(s.id());
        return new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(s.id())
            .clusterMembers(s.members().clusterMembers())
            .clusterDir(s.clusterDir().toFile())
            .archiveContext(localArchive(aeronDir))
            .errorHandler(ClusterNode::logError)
            .ingressChannel("aeron:udp")
            .logChannel("aeron:udp?term-length=" + LOG_TERM_LENGTH)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .idleStrategySupplier(SleepingIdle::create)
            .fileSyncLevel(s.fileSyncLevel())
            .leaderHeartbeatTimeoutNs(s.leaderHeartbeatTimeout().toNanos())
            .sessionTimeoutNs(s.sessionTimeout().toNanos())
            .startupCanvassTimeoutNs(s.startupCanvassTimeout().toNanos())
            .terminationHook(onTerminate);
    }

    /** The consensus module's and the service's client of this node's own archive, over IPC. */
    private static AeronArchive.Context localArchive(String aeronDir) {
        return new AeronArchive.Context()
            .aeronDirectoryName(aeronDir)
            .controlRequestChannel("aeron:ipc")
            .controlResponseChannel("aeron:ipc");
    }

    /** Every Aeron component's errors go to the node's log as well as to its own error file. */
    static void logError(Throwable error) {
        if (error instanceof io.aeron.cluster.client.ClusterEvent) {
            LOG.warn("aeron: {}", error.getMessage()); // an event such as a missed heartbeat, not a failure
        } else {
            LOG.error("aeron: {}", error.toString(), error);
        }
    }

    public NodeSettings settings() {
        return settings;
    }

    public SurgeClusteredService service() {
        return service;
    }

    /**
     * Counters of this member's recharge deliveries over every time it led (supplier answers,
     * recharges settled); null for a node that runs no deliveries ({@link #launch}).
     */
    public DeliveryMetrics deliveryMetrics() {
        LeaderDispatch dispatch = service.dispatch();
        return dispatch == null ? null : dispatch.deliveryMetrics();
    }

    /** The consensus module, for tools that read its counters (role, commit position, control toggle). */
    public ConsensusModule consensusModule() {
        return driver.consensusModule();
    }

    /**
     * Stops the service (its dispatchers stop, its journal closes), then the dispatchers' client and
     * threads (on the driver, so before it), then the driver, archive and consensus module.
     */
    @Override
    public void close() {
        LeaderDispatch dispatch = service.dispatch();
        CloseHelper.closeAll(container, dispatch, driver);
    }
}
