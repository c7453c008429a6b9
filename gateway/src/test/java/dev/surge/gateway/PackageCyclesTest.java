package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No module's main code has a package cycle: within each module, dependencies between packages
 * point one way (docs/architecture.md says which). Scans every {@code <module>/src/main/java}
 * under the project root, so a module added later is checked too.
 */
class PackageCyclesTest {

    @Test
    void noModuleHasAPackageCycle() throws IOException {
        List<Path> sourceRoots = mainSourceRoots(projectRoot());
        Set<String> modules = new TreeSet<>();
        StringBuilder failures = new StringBuilder();
        for (Path src : sourceRoots) {
            String module = src.getParent().getParent().getParent().getFileName().toString();
            modules.add(module);
            PackageGraph graph = PackageGraph.scan(src);
            if (module.equals("gateway")) {
                assertTrue(graph.edges().get("dev.surge.gateway.http").containsKey("dev.surge.gateway.error"),
                    "the scan sees the gateway's imports");
            }
            for (List<String> cycle : graph.cycles()) {
                failures.append('\n').append(module).append(": ").append(cycle).append(graph.describe(cycle));
            }
        }
        assertTrue(modules.containsAll(Set.of("engine", "journal", "delivery", "gateway", "simulator", "testkit")),
            "scanned " + modules);
        assertEquals("", failures.toString(), "package cycles (break one edge of each)");
    }

    @Test
    void aCycleThroughAnImportAndAQualifiedNameIsFound(@TempDir Path dir) throws IOException {
        write(dir, "a/A.java", "package a;\nimport b.B.Nested;\nclass A {}\n");
        write(dir, "b/B.java", "package b;\nclass B { Object c = new c.C(); }\n");
        write(dir, "c/C.java", "package c;\nimport static a.A.run;\nclass C {}\n");
        write(dir, "d/D.java", "package d;\nimport a.*;\nclass D {}\n");
        PackageGraph graph = PackageGraph.scan(dir);
        assertEquals(List.of(List.of("a", "b", "c")), graph.cycles(), "d only uses the cycle, it is not in it");
        assertTrue(graph.describe(graph.cycles().get(0)).contains("b -> c (b/B.java)"));
    }

    @Test
    void commentsStringsAndOtherModulesMakeNoEdge(@TempDir Path dir) throws IOException {
        write(dir, "a/A.java", "package a;\nimport b.InAnotherModule;\n/** See {@link b.B}. */\nclass A {\n"
            + "  // b.B is mentioned here\n  String s = \"b.B\";\n  java.util.List<String> l;\n}\n");
        write(dir, "b/B.java", "package b;\nimport a.A;\nclass B {}\n");
        PackageGraph graph = PackageGraph.scan(dir);
        assertEquals(List.of(), graph.cycles());
        assertEquals(Set.of("a"), graph.edges().get("b").keySet());
        assertEquals(Set.of(), graph.edges().get("a").keySet());
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** The nearest directory, from here up, whose pom.xml lists modules: the reactor root. */
    static Path projectRoot() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                return d;
            }
        }
        throw new IllegalStateException("no reactor pom.xml above " + Path.of("").toAbsolutePath());
    }

    private static List<Path> mainSourceRoots(Path root) throws IOException {
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            children.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).sorted().forEach(roots::add);
        }
        return roots;
    }
}
