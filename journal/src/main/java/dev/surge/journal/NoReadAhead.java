package dev.surge.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advises the kernel not to read ahead ({@code MADV_RANDOM}) in each memory-mapped journal chunk
 * the appender writes or a live tailer reads, once, when it first sees the chunk.
 *
 * <p>Why: a page fault in a file mapping reads ahead, and on kernels whose page cache holds
 * large folios (ext4 since Linux 6.x) a run of sequential faults grows the folios the read-ahead
 * allocates up to 2 MiB, limited by the disk's {@code read_ahead_kb}. The journal is written
 * through such faults, and the kernel tracks dirtiness and writes back per folio: every msync of
 * a small batch then wrote a whole 2 MiB folio (measured: 1.9 MiB per sync, 1.1 ms instead of
 * 0.2 ms; docs/architecture.md, "The page cache"). Without read-ahead a fault allocates one 4 KiB
 * page, and a sync writes the pages the batch touched.
 *
 * <p>Only for the live end: the appender and the tailers that follow it. Recovery and the tools
 * read written history, where read-ahead is what makes a cold read fast.
 *
 * <p>Threading: confined to the thread of the appender or tailer it serves.
 */
final class NoReadAhead {
    private static final Logger LOG = LoggerFactory.getLogger(NoReadAhead.class);
    private static volatile boolean warned;

    private BytesStore<?, ?> advised;

    /** Advises the chunk {@code bytes} are now in, if it is a mapped one not advised yet. */
    void cover(Bytes<?> bytes) {
        BytesStore<?, ?> store = bytes.bytesStore();
        if (store == advised) {
            return;
        }
        advised = store;
        if (!(store instanceof MappedBytesStore) || !OS.isLinux()) {
            return;
        }
        long start = store.addressForRead(store.start());
        long from = start & -OS.pageSize(); // the mapping starts on a page; this only guards the call
        int result = PosixAPI.posix().madvise(from, store.realCapacity() + (start - from), MAdviseFlag.MADV_RANDOM);
        if (result != 0 && !warned) {
            warned = true;
            LOG.warn("madvise(MADV_RANDOM) on a journal chunk failed ({}): syncs may write whole large pages",
                PosixAPI.posix().lastErrorStr());
        }
    }
}
