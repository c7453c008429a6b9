package dev.surge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package of one source tree uses which, read from the sources alone: {@code import} lines
 * (single-type, nested, static and on-demand) and fully qualified names in code, with comments and
 * literals stripped first. Only a reference to a type of this tree makes an edge: one to another
 * module or a library does not, even in a package this tree shares (a benchmark placed in the
 * package it measures, to reach its package-private classes). {@link #cycles()} finds the strongly connected components (Tarjan) of more than one
 * package: each is a set of packages that depend on each other in a ring.
 */
final class PackageGraph {
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A dotted name of lowercase segments followed by a type name: the package is the lowercase prefix. */
    private static final Pattern QUALIFIED = Pattern.compile("\\b((?:[a-z_][a-z0-9_]*\\.)+)([A-Z]\\w*|\\*)");

    /** package -> package it uses -> one file that makes the edge (for the message). */
    private final Map<String, Map<String, String>> edges = new TreeMap<>();

    private PackageGraph() {
    }

    /** Reads every {@code .java} file under {@code sourceRoot}. */
    static PackageGraph scan(Path sourceRoot) {
        PackageGraph g = new PackageGraph();
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                files.put(p, Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Path, String> packages = new HashMap<>();
        Set<String> types = new HashSet<>();
        for (Map.Entry<Path, String> f : files.entrySet()) {
            Matcher m = PACKAGE.matcher(stripCommentsAndLiterals(f.getValue()));
            String pkg = m.find() ? m.group(1) : "";
            packages.put(f.getKey(), pkg);
            g.edges.computeIfAbsent(pkg, k -> new TreeMap<>());
            String file = f.getKey().getFileName().toString();
            types.add(pkg + "." + file.substring(0, file.length() - ".java".length()));
        }
        for (Map.Entry<Path, String> f : files.entrySet()) {
            String from = packages.get(f.getKey());
            String code = PACKAGE.matcher(stripCommentsAndLiterals(f.getValue())).replaceFirst("");
            Matcher m = QUALIFIED.matcher(code);
            while (m.find()) {
                String to = m.group(1).substring(0, m.group(1).length() - 1);
                boolean ours = m.group(2).equals("*") ? g.edges.containsKey(to) : types.contains(to + "." + m.group(2));
                if (ours && !to.equals(from)) {
                    g.edges.get(from).putIfAbsent(to, sourceRoot.relativize(f.getKey()).toString());
                }
            }
        }
        return g;
    }

    Map<String, Map<String, String>> edges() {
        return edges;
    }

    /** Every set of two or more packages that reach each other, each sorted by name. */
    List<List<String>> cycles() {
        return new Tarjan().run();
    }

    /** The edges inside one cycle, with the file that makes each: what to look at to break it. */
    String describe(List<String> cycle) {
        StringBuilder b = new StringBuilder();
        for (String from : cycle) {
            for (Map.Entry<String, String> e : edges.get(from).entrySet()) {
                if (cycle.contains(e.getKey())) {
                    b.append("\n  ").append(from).append(" -> ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
                }
            }
        }
        return b.toString();
    }

    /** Source text with comments, string, text block and char literals blanked out. */
    static String stripCommentsAndLiterals(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && src.charAt(i) != c && src.charAt(i) != '\n') {
                    i += src.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private final class Tarjan {
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final TreeSet<String> onStack = new TreeSet<>();
        private final List<List<String>> found = new ArrayList<>();
        private int next;

        List<List<String>> run() {
            for (String p : edges.keySet()) {
                if (!index.containsKey(p)) {
                    visit(p);
                }
            }
            return found;
        }

        private void visit(String p) {
            index.put(p, next);
            low.put(p, next);
            next++;
            stack.push(p);
            onStack.add(p);
            for (String q : edges.get(p).keySet()) {
                if (!index.containsKey(q)) {
                    visit(q);
                    low.put(p, Math.min(low.get(p), low.get(q)));
                } else if (onStack.contains(q)) {
                    low.put(p, Math.min(low.get(p), index.get(q)));
                }
            }
            if (low.get(p).equals(index.get(p))) {
                List<String> component = new ArrayList<>();
                String q;
                do {
                    q = stack.pop();
                    onStack.remove(q);
                    component.add(q);
                } while (!q.equals(p));
                if (component.size() > 1) {
                    component.sort(null);
                    found.add(component);
                }
            }
        }
    }
}
