/*
 * Durability finding for chronicle-queue 2026.4 (chronicle-bytes 2026.4), read from its bytecode:
 *
 *  - ExcerptAppender.sync() exists (a default no-op on ExcerptCommon, real in StoreAppender). It
 *    msync()s the mapped cycle file up to the appender's write position and records the index in
 *    SingleChronicleQueue.lastIndexMSynced(). One call covers everything appended so far, so the
 *    journal calls it once per batch (group commit, on the Disruptor's endOfBatch).
 *  - What the msync does is the queue's SyncMode: SingleChronicleQueueBuilder.syncMode(SyncMode).
 *    Its default is MappedFile.DEFAULT_SYNC_MODE = system property mappedFile.defaultSyncMode,
 *    ASYNC when unset (MS_ASYNC: schedules the write-back, returns at once). NONE makes sync() a
 *    no-op. Only SyncMode.SYNC (MS_SYNC: returns when the pages are on the device) survives a
 *    power cut, so durability "sync" = syncMode(SyncMode.SYNC) + appender.sync() per batch;
 *    durability "process" needs neither (the page cache survives a killed process).
 *  - No FileChannel.force fallback is needed.
 */
package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Chronicle Queue works on this JVM with the flags from jvm.properties, and syncs on request. */
class ChronicleSmokeTest {

    private static final int COUNT = 1_000;

    @TempDir
    Path dir;

    @Test
    void appendsReadsBackAndSyncs() {
        long[] written = new long[COUNT];
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                .syncMode(SyncMode.SYNC)
                .build()) {
            try (ExcerptAppender appender = queue.createAppender()) {
                long previous = Long.MIN_VALUE;
                for (int i = 0; i < COUNT; i++) {
                    try (DocumentContext dc = appender.writingDocument()) {
                        Bytes<?> bytes = dc.wire().bytes();
                        bytes.writeByte((byte) 1);       // version
                        bytes.writeInt(i);
                        bytes.writeLong(i * 31L + 7);
                    }
                    written[i] = appender.lastIndexAppended();
                    assertTrue(written[i] > previous, "index increases");
                    previous = written[i];
                }
                appender.sync();
                assertEquals(written[COUNT - 1], queue.lastIndexMSynced(), "sync reached the last index");
            }

            try (ExcerptTailer tailer = queue.createTailer()) {
                for (int i = 0; i < COUNT; i++) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        assertTrue(dc.isPresent(), "document " + i + " present");
                        assertEquals(written[i], dc.index());
                        Bytes<?> bytes = dc.wire().bytes();
                        assertEquals(1, bytes.readByte());
                        assertEquals(i, bytes.readInt());
                        assertEquals(i * 31L + 7, bytes.readLong());
                        assertEquals(0, bytes.readRemaining());
                    }
                }
                try (DocumentContext dc = tailer.readingDocument()) {
                    assertFalse(dc.isPresent(), "nothing after the last document");
                }
            }
        }
    }

    @Test
    void jvmFlagsFromJvmPropertiesReachTheTestJvm() {
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        assertTrue(Object.class.getModule().isOpen("java.lang", getClass().getModule()),
                "--add-opens=java.base/java.lang=ALL-UNNAMED is on the forked JVM's command line");
    }

    @Test
    void loggingHasARealBackendAndNoAnalytics() {
        assertEquals("ch.qos.logback.classic.LoggerContext", LoggerFactory.getILoggerFactory().getClass().getName());
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("net.openhft.chronicle.analytics.Analytics"));
        assertNull(getClass().getResource("/net/openhft/chronicle/analytics/Analytics.class"));
    }
}
