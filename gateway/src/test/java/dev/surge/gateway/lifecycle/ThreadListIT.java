package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server runs the threads docs/architecture.md lists, and no others: on two cores every
 * thread more is one more to schedule. The dashboard samples on the dispatcher's thread.
 */
@ExtendWith(NoLeakedThreads.class)
class ThreadListIT {
    private static final String[] DOCUMENTED = {"surge-io", "surge-engine", "surge-dispatch", "surge-snapshot"};

    @Test
    void runsOnlyTheDocumentedThreads() throws Exception {
        try (TestGateway t = TestGateway.start()) {
            t.codeCampaign("threads", 10);
            Map<String, Integer> kinds = new TreeMap<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                String name = thread.getName();
                if (name.startsWith("surge-")) {
                    kinds.merge(kind(name), 1, Integer::sum);
                }
            }
            for (String kind : kinds.keySet()) {
                assertTrue(java.util.Arrays.asList(DOCUMENTED).contains(kind), "undocumented thread kind " + kind
                    + " among " + kinds);
            }
            assertEquals(1, kinds.getOrDefault("surge-dispatch", 0), "one dispatcher thread, the dashboard's too: "
                + kinds);
        }
    }

    /** "surge-io-3-1" and "surge-io" are one kind: the name up to its first digit, without the dash. */
    private static String kind(String name) {
        int i = 0;
        while (i < name.length() && !Character.isDigit(name.charAt(i))) {
            i++;
        }
        String k = name.substring(0, i);
        return k.endsWith("-") ? k.substring(0, k.length() - 1) : k;
    }
}
