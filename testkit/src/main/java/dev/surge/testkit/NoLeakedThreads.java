package dev.surge.testkit;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After a test class: no Surge thread (ring stages, event loops, acceptor) may still run, i.e.
 * every gateway the class started was shut down completely. Waits a few seconds for threads that
 * are on their way out.
 */
public final class NoLeakedThreads implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> alive;
        do {
            alive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("surge-"))
                .map(Thread::getName).sorted().collect(Collectors.toList());
            if (alive.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(context.getDisplayName() + " leaked threads: " + alive);
    }
}
