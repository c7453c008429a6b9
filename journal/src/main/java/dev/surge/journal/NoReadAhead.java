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
 * the appender writes or a live tailer reads, once, when it first sees the chunk; and, for a
 * reopened journal, drops what the page cache holds past its end ({@link #dropPastWritePosition}).
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
    // Linux's madvise advice numbers (asm-generic's, as on x86-64 and arm64), not in Chronicle's MAdviseFlag
    private static final int MADV_PAGEOUT = 21;
    private static final int MADV_POPULATE_READ = 22;
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
        advise(from, store.realCapacity() + (start - from), MAdviseFlag.MADV_RANDOM.value(), "MADV_RANDOM");
    }

    /**
     * For the chunk a reopened journal resumes in, before its first write: drops from the page
     * cache the pages past the one holding {@code bytes}' write position, to the chunk's end.
     * After a reboot recovery reads the journal from the disk, and its read-ahead fills the page
     * cache past the recovered end with large folios, which the appender would then sync 2 MiB at
     * a time (measured: the first 16 MB appended; docs/architecture.md, "The page cache"). Those
     * pages were never written, so dropping them loses nothing: they come back as single zeroed
     * pages under {@link #cover}'s advice. The drop maps them first ({@code MADV_POPULATE_READ}),
     * because {@code MADV_PAGEOUT} reclaims only what the range maps; tens of milliseconds once.
     */
    void dropPastWritePosition(Bytes<?> bytes) {
        BytesStore<?, ?> store = bytes.bytesStore();
        if (!(store instanceof MappedBytesStore) || !OS.isLinux()) {
            return;
        }
        long page = OS.pageSize();
        long end = store.addressForRead(store.start()) + store.realCapacity();
        long from = (store.addressForWrite(bytes.writePosition()) + page) & -page;
        if (from < end) {
            advise(from, end - from, MADV_POPULATE_READ, "MADV_POPULATE_READ");
            advise(from, end - from, MADV_PAGEOUT, "MADV_PAGEOUT");
        }
    }

    private static void advise(long address, long length, int advice, String name) {
        int result = PosixAPI.posix().madvise(address, length, advice);
        if (result != 0 && !warned) {
            warned = true;
            LOG.warn("madvise({}) on a journal chunk failed ({}): syncs may write whole large pages", name,
                PosixAPI.posix().lastErrorStr());
        }
    }
}
