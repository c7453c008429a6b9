package dev.surge.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How one node runs.
 *
 * @param id                     this node's member id (its position in {@code members})
 * @param members                every member of the cluster
 * @param dir                    where the node keeps what must survive: the archive (the log's
 *                               recordings and snapshots) and the cluster directory (recording log, mark files)
 * @param aeronDir               the media driver's directory (buffers only, rebuilt at start; best on /dev/shm)
 * @param fileSyncLevel          0: the archive and the recording log are written, not synced (a power cut
 *                               of a majority can lose acknowledged commands); 1: data synced before a node
 *                               counts a command as appended; 2: data and file metadata
 * @param leaderHeartbeatTimeout how long followers wait for the leader before they elect another
 * @param sessionTimeout         how long a silent client keeps its session
 * @param startupCanvassTimeout  how long a starting node waits to hear from every member before an election
 */
public record NodeSettings(int id, ClusterMembers members, Path dir, Path aeronDir, int fileSyncLevel,
                           Duration leaderHeartbeatTimeout, Duration sessionTimeout, Duration startupCanvassTimeout) {
    public static final int DEFAULT_FILE_SYNC_LEVEL = 1;
    public static final Duration DEFAULT_LEADER_HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STARTUP_CANVASS_TIMEOUT = Duration.ofSeconds(10);

    public NodeSettings {
        if (id < 0 || id >= members.size()) {
            throw new IllegalArgumentException("--id must be 0 to " + (members.size() - 1) + ", was " + id);
        }
        if (fileSyncLevel < 0 || fileSyncLevel > 2) {
            throw new IllegalArgumentException("file sync level must be 0, 1 or 2, was " + fileSyncLevel);
        }
    }

    /** Defaults for everything but who the node is and where it keeps its files. */
    public static NodeSettings of(int id, ClusterMembers members, Path dir, Path aeronDir) {
        return new NodeSettings(id, members, dir, aeronDir, DEFAULT_FILE_SYNC_LEVEL, DEFAULT_LEADER_HEARTBEAT_TIMEOUT,
            DEFAULT_SESSION_TIMEOUT, DEFAULT_STARTUP_CANVASS_TIMEOUT);
    }

    public NodeSettings withFileSyncLevel(int level) {
        return new NodeSettings(id, members, dir, aeronDir, level, leaderHeartbeatTimeout, sessionTimeout,
            startupCanvassTimeout);
    }

    public NodeSettings withTimeouts(Duration heartbeat, Duration session, Duration canvass) {
        return new NodeSettings(id, members, dir, aeronDir, fileSyncLevel, heartbeat, session, canvass);
    }

    Path archiveDir() {
        return dir.resolve("archive");
    }

    Path clusterDir() {
        return dir.resolve("cluster");
    }
}
