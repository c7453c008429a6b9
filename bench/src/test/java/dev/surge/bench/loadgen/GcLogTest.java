package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class GcLogTest {
    private static final String LOG = """
        [2026-12-06T22:13:01.000+0000] Using G1
        [2026-12-06T22:13:02.500+0000] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 53M->9M(1024M) 13.297ms
        [2026-12-06T22:13:05.100+0000] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 137M->92M(1024M) 4.193ms
        [2026-12-06T22:13:06.000+0000] GC(2) Pause Remark 200M->200M(1024M) 1.250ms
        [2026-12-06T22:13:06.200+0000] GC(2) Concurrent Mark Cycle 120.001ms
        [2026-12-06T22:13:07.900+0000] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 208M->139M(1024M) 8.740ms
        [2026-12-06T22:13:09.000+0000] GC(4) Pause Full (System.gc()) 300M->100M(1024M) 55.000ms
        """;

    private static long at(String time) {
        return OffsetDateTime.parse("2026-12-06T" + time + "Z").toInstant().toEpochMilli();
    }

    @Test
    void countsThePausesInsideTheWindowOnly() {
        GcLog.Pauses p = GcLog.between(LOG, at("22:13:05.000"), at("22:13:08.000"));
        assertEquals(3, p.count(), "young, remark, young; the concurrent cycle is no pause");
        assertEquals(8.74, p.maxMs(), 1e-9);
        assertEquals(new GcLog.Pauses(0, 0), GcLog.between(LOG, at("22:13:10.000"), at("22:13:20.000")));
        assertEquals(55.0, GcLog.between(LOG, at("22:13:00.000"), at("22:13:20.000")).maxMs(), 1e-9);
    }

    @Test
    void anUnreadableLogIsUnknown() {
        assertEquals(GcLog.Pauses.UNKNOWN, GcLog.between(Path.of("/nonexistent/gc.log"), 0, Long.MAX_VALUE));
    }

    @Test
    void theFlagAsksForWallClockTimes() {
        assertTrue(GcLog.jvmFlag(Path.of("/tmp/x-gc.log")).matches("-Xlog:gc:file=/tmp/x-gc.log:time"));
    }
}
