package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.state.StateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path data;

    private final EngineDriver live = JournalHistory.run(11, 300);

    private StateMachine at(int n) {
        return JournalHistory.replay(live.events, n);
    }

    @Test
    void writesAndLoadsAVerifiedSnapshot() {
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        assertNull(store.loadNewest());
        StateMachine m = at(live.events.size());
        SnapshotInfo info = store.write(m, 1234L);
        assertEquals(data.resolve("snapshots").resolve("snapshot-" + live.events.size() + ".bin"), info.path());
        assertEquals(m.lastSequence(), info.sequence());
        assertEquals(m.lastTimestamp(), info.timestamp());
        assertEquals(1234L, info.journalIndex());
        assertEquals(m.digest(), info.digest());
        LoadedSnapshot loaded = store.loadNewest();
        assertEquals(info, loaded.info());
        assertEquals(live.machine.digest(), loaded.machine().digest());
        assertFalse(Files.exists(info.path().resolveSibling(info.path().getFileName() + ".tmp")));
    }

    @Test
    void keepsTheNewestThreeAndListsNewestFirst() {
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        int[] points = {10, 50, 90, 130, 170};
        for (int p : points) {
            store.write(at(p), -1);
        }
        List<SnapshotInfo> list = store.list();
        assertEquals(3, list.size());
        assertEquals(List.of(170L, 130L, 90L), list.stream().map(SnapshotInfo::sequence).toList());
        assertEquals(90, store.loadNewest(120).info().sequence(), "the newest at or before 120");
    }

    private static void flip(Path file, long at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) at] ^= 0x10;
        Files.write(file, b);
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToTheOlderOne() throws IOException {
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        SnapshotInfo older = store.write(at(100), -1);
        SnapshotInfo newer = store.write(at(200), -1);
        flip(newer.path(), Files.size(newer.path()) / 2); // inside an encrypted chunk
        LoadedSnapshot loaded = store.loadNewest();
        assertEquals(older.sequence(), loaded.info().sequence());
        assertEquals(at(100).digest(), loaded.machine().digest());
        SnapshotException e = assertThrows(SnapshotException.class, () -> store.load(newer));
        assertTrue(e.getMessage().contains("authentication"), e.getMessage());
    }

    @Test
    void aDamagedHeaderACutFileOrAnotherKeyIsNeverLoaded() throws IOException {
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        store.write(at(100), -1);
        SnapshotInfo header = store.write(at(150), -1);
        SnapshotInfo cut = store.write(at(200), -1);
        flip(header.path(), 15); // the sequence field: header checksum fails
        byte[] whole = Files.readAllBytes(cut.path());
        Files.write(cut.path(), java.util.Arrays.copyOf(whole, whole.length - 30));
        assertEquals(100, store.loadNewest().info().sequence());
        assertEquals(List.of(200L, 100L), store.list().stream().map(SnapshotInfo::sequence).toList());

        SnapshotStore otherKey = new SnapshotStore(data, CodeCipher.of(JournalHistory.key(77)));
        assertNull(otherKey.loadNewest());
        assertThrows(IllegalStateException.class, () -> new SnapshotStore(data, null).loadNewest());
        assertEquals(2, new SnapshotStore(data, null).list().size(), "listing needs no key");
    }

    @Test
    void discardAboveMovesSnapshotsAsideAndStaleTemporariesAreCleared() throws IOException {
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        store.write(at(100), -1);
        SnapshotInfo ahead = store.write(at(200), -1);
        Path stale = store.directory().resolve("snapshot-999.bin.tmp");
        Files.write(stale, new byte[10]);
        assertEquals(1, store.discardAbove(150).size());
        assertTrue(Files.exists(ahead.path().resolveSibling("snapshot-200.bin.discarded")));
        assertEquals(100, store.loadNewest().info().sequence());
        store.write(at(120), -1);
        assertFalse(Files.exists(stale));
        assertNotNull(store.loadNewest());
    }
}
