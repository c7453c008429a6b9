package dev.surge.journal.crash;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for child JVMs that run this test class path with the JVM flags Chronicle needs:
 * the {@code --add-*} and {@code -Dchronicle.*} flags this JVM was started with (Surefire and
 * Failsafe take them from jvm.properties).
 */
final class ChildJvm {
    private ChildJvm() {
    }

    static ProcessBuilder java(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                flags.add(a);
            }
        }
        if (flags.stream().noneMatch(f -> f.startsWith("--add-opens"))) {
            throw new IllegalStateException("this JVM lacks the Chronicle flags of jvm.properties (surge.jvm.args); "
                + "run through Maven, or add them to the run configuration");
        }
        cmd.addAll(flags);
        cmd.add("-Xmx256m"); // several JVMs share a small machine
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SURGE_"));
        return pb;
    }
}
