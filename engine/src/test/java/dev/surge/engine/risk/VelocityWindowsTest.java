package dev.surge.engine.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sliding windows: never looser than stated, at most a bucket stricter, expiry, bounded memory. */
class VelocityWindowsTest {

    @Test
    void aWindowCountsExactlyItsNewestBucketsAndIsNeverLooserThanStated() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            int windowSeconds = 1 + rnd.nextInt(5);
            long windowMs = windowSeconds * 1000L;
            int width = VelocityWindows.bucketWidth(windowSeconds);
            assertTrue((VelocityWindows.BUCKETS - 1) * (long) width >= windowMs, "7 buckets cover the window");
            VelocityWindows w = new VelocityWindows();
            Map<Long, List<Long>> attempts = new HashMap<>();
            long now = 1_700_000_000_000L + rnd.nextInt(1000);
            for (int step = 0; step < 300; step++) {
                now += rnd.nextInt(3) == 0 ? rnd.nextInt(3 * (int) windowMs) : rnd.nextInt(200);
                long key = rnd.nextInt(4);
                List<Long> seen = attempts.computeIfAbsent(key, k -> new ArrayList<>());
                long t = now;
                long inWindow = seen.stream().filter(a -> a > t - windowMs).count();
                long inWindowPlusBucket = seen.stream().filter(a -> a > t - windowMs - width).count();
                long newestBuckets = seen.stream()
                    .filter(a -> Math.floorDiv(a, width) > Math.floorDiv(t, width) - VelocityWindows.BUCKETS).count();
                int counted = w.count(key, width, now);
                assertEquals(newestBuckets, counted, "round " + round + " step " + step);
                assertTrue(counted >= inWindow, "never forgets an attempt within the window");
                assertTrue(counted <= inWindowPlusBucket, "forgets it at most one bucket after the window");
                if (rnd.nextInt(4) != 0) {
                    w.record(key, width, now);
                    seen.add(now);
                }
            }
        }
    }

    @Test
    void anotherWindowWidthRestartsTheCount() {
        VelocityWindows w = new VelocityWindows();
        int oneMinute = VelocityWindows.bucketWidth(60);
        int tenSeconds = VelocityWindows.bucketWidth(10);
        w.record(7, oneMinute, 1000);
        w.record(7, oneMinute, 2000);
        assertEquals(2, w.count(7, oneMinute, 3000));
        assertEquals(0, w.count(7, tenSeconds, 3000));
        w.record(7, tenSeconds, 3000);
        assertEquals(1, w.count(7, tenSeconds, 3000));
        assertEquals(0, w.count(7, oneMinute, 3000));
    }

    @Test
    void memoryFollowsTheKeysOfTheLastWindowAndShrinksAfterAnAttack() throws IOException {
        VelocityWindows w = new VelocityWindows();
        int width = VelocityWindows.bucketWidth(10);
        long t = 0;
        long key = 0;
        // an attack: 5,000 fresh keys a second for 60 s, each seen once (rotating addresses)
        long peakCapacity = 0;
        long peakLive = 0;
        for (int second = 0; second < 60; second++) {
            for (int i = 0; i < 5000; i++) {
                w.record(++key, width, t + i / 5);
            }
            t += 1000;
            peakCapacity = Math.max(peakCapacity, w.capacity());
            peakLive = Math.max(peakLive, liveKeys(w, key, width, t));
        }
        // keys of the last ~11.4 s (window + a bucket) live: about 57,000
        assertTrue(peakLive <= 5000 * 12, "live keys " + peakLive);
        assertTrue(peakCapacity <= 4L * 5000 * 12, "the table never outgrows 4x the keys of a window: " + peakCapacity);
        double bytesPerKey = (double) w.bytes() / liveKeys(w, key, width, t);
        assertTrue(bytesPerKey >= VelocityWindows.SLOT_BYTES && bytesPerKey <= 4.5 * VelocityWindows.SLOT_BYTES,
            "bytes per tracked key " + bytesPerKey);
        System.out.printf("velocity windows: %d-byte slots, %.0f bytes per tracked key at the end of the attack "
            + "(capacity %d, size %d)%n", VelocityWindows.SLOT_BYTES, bytesPerKey, w.capacity(), w.size());

        // the attack stops; two minutes later a few honest users come by
        t += 120_000;
        for (int i = 0; i < 10; i++) {
            w.record(++key, width, t + i);
        }
        assertEquals(VelocityWindows.MIN_CAPACITY, w.capacity(), "expired keys are swept and the table shrinks");
        assertEquals(10, w.size());

        // and a snapshot of it reads back the same
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        w.write(new DataOutputStream(bytes));
        VelocityWindows copy = new VelocityWindows();
        copy.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(w.digest(), copy.digest());
        assertEquals(1, copy.count(key, width, t + 10));
    }

    private static long liveKeys(VelocityWindows w, long lastKey, int width, long t) {
        long live = 0;
        for (long k = Math.max(1, lastKey - 100_000); k <= lastKey; k++) {
            if (w.count(k, width, t) > 0) {
                live++;
            }
        }
        return live;
    }
}
