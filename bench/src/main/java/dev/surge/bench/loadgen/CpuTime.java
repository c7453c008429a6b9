package dev.surge.bench.loadgen;

import java.time.Duration;
import java.util.Optional;

/**
 * User + system CPU time of a whole process, as the operating system accounts it: server CPU per
 * request is the figure that does not depend on how heavy the client is, on a box the client
 * shares (docs/benchmarks.md).
 */
final class CpuTime {
    private CpuTime() {
    }

    /** CPU nanoseconds the process has used so far; -1 when unknown (no such process, or no accounting). */
    static long ofProcess(long pid) {
        if (pid <= 0) {
            return -1;
        }
        Optional<Duration> cpu = ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration());
        return cpu.map(Duration::toNanos).orElse(-1L);
    }

    /** CPU nanoseconds used since {@code before} (from {@link #ofProcess}); -1 when unknown. */
    static long since(long pid, long before) {
        long now = ofProcess(pid);
        return before < 0 || now < 0 ? -1 : now - before;
    }
}
