package dev.surge.gateway;

import dev.surge.engine.port.JournalPort;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.StateMachine;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.RecoveryProgress;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.PrivateFiles;
import dev.surge.journal.Recovery;
import dev.surge.journal.SnapshotAgent;
import dev.surge.journal.SnapshotStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal module's storage under {@code --data-dir}: {@link Recovery} (newest snapshot, then
 * the journal tail; a damaged tail stops it unless {@code --truncate-corrupt-tail}), then the
 * {@link ChronicleJournal} the ring appends to, with the configured durability and
 * {@code SURGE_CODE_KEY}, and, once the ring runs, a {@link SnapshotAgent} that snapshots from its
 * own replica of the state, tailing the journal as tasks of the server's background executor
 * (none with {@code --snapshot-every 0}). {@link #close} (after the ring has closed the journal) lets the agent
 * write its final snapshot. Everything under {@code --data-dir} is its owner's only: recovery
 * starts by making it so ({@link PrivateFiles#tree}), and the journal module creates every
 * later directory {@code rwx------} and file {@code rw-------}.
 *
 * <p>Threading: {@link #recover} on the starting thread before the ring starts; {@link #close}
 * from whichever thread stops the process (idempotent).
 */
final class ChronicleStorage implements EngineStorage {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleStorage.class);
    /** Progress reaches the dashboard this often (cheap: one volatile write); the log, every million. */
    private static final long PROGRESS_EVERY = 10_000;
    private static final long LOG_EVERY = 1_000_000;
    private final Configuration config;
    private final RecoveryProgress progress;
    private final Path dataDir;
    private final CodeCipher cipher;
    private final SnapshotStore snapshots;
    private ChronicleJournal journal;
    private SnapshotAgent agent;
    private boolean closed;

    ChronicleStorage(Configuration config, RecoveryProgress progress) {
        this.config = config;
        this.progress = progress;
        this.dataDir = config.dataDir();
        this.cipher = CodeCipher.of(config.codeKey());
        this.snapshots = new SnapshotStore(dataDir, cipher, SnapshotStore.DEFAULT_KEEP,
            cipher.stateConfig().idempotencyWindow(config.idempotencyWindow()));
    }

    @Override
    public StateMachine recover() {
        progress.started(config.clock().time());
        PrivateFiles.tree(dataDir); // created rwx------, or an existing one tightened (and said so)
        Recovery.Result result = new Recovery(dataDir, cipher, snapshots)
            .truncateCorruptTail(config.truncateCorruptTail())
            .onProgress(events -> {
                if (events / LOG_EVERY > progress.eventsReplayed() / LOG_EVERY) {
                    LOG.info("recovery: {} events replayed", events);
                }
                progress.replayed(events);
            }, PROGRESS_EVERY)
            .run();
        progress.finished(result.report().eventsReplayed(), config.clock().time());
        journal = new ChronicleJournal(dataDir, config.durability(), cipher);
        return result.machine();
    }

    @Override
    public JournalPort journal() {
        if (journal == null) {
            throw new IllegalStateException("recover() first");
        }
        return journal;
    }

    @Override
    public synchronized void onStarted(EngineRing ring, ScheduledExecutorService background) {
        if (config.snapshotEvery() == 0) {
            LOG.info("snapshots off (--snapshot-every 0): no replica, and a restart replays the whole journal");
            return;
        }
        if (!closed) {
            agent = new SnapshotAgent(dataDir, cipher, snapshots, config.snapshotEvery(),
                Duration.ofSeconds(config.snapshotIntervalSeconds())).reserve(config.expectedUsers()).start(background);
        }
    }

    /** Stops the snapshot agent (final snapshot) and closes the journal if the ring did not. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (journal != null) {
                journal.close(); // already closed by the ring in a normal stop; harmless twice
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }
}
