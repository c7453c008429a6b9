package dev.surge.gateway.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Matches a method and path to a {@link Route} and its path parameters ({@code {...}}
 * segments, at most two). Unknown paths are 404; known paths with another method are 405
 * with the methods that would work. Thread-safe (immutable); allocates one {@link Match}.
 */
public final class Router {
    private static final Route[] ROUTES = Route.values();

    /** What a request matched. {@code route} is null when nothing did. */
    public record Match(Route route, String param1, String param2, String allow) {
        public boolean found() {
            return route != null;
        }
    }

    public static final Match NOT_FOUND = new Match(null, null, null, null);

    /**
     * The answers for the routes without parameters, made once by {@link #matchAny} so that they
     * are what it answers: a request to exactly such a path (no query) allocates nothing.
     */
    private static final Match[] EXACT = exactMatches();

    private static Match[] exactMatches() {
        java.util.List<Match> exact = new java.util.ArrayList<>();
        for (Route r : ROUTES) {
            if (r.template.indexOf('{') < 0) {
                Match m = matchAny(r.method, r.template);
                if (m.route() == r) {
                    exact.add(m);
                }
            }
        }
        return exact.toArray(new Match[0]);
    }

    public Match match(HttpMethod method, String uri) {
        for (Match m : EXACT) {
            if (m.route.method.equals(method) && m.route.template.equals(uri)) {
                return m;
            }
        }
        return matchAny(method, uri);
    }

    private static Match matchAny(HttpMethod method, String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash);
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            return NOT_FOUND;
        }
        String[] parts = path.substring(1).split("/", -1);
        StringBuilder allow = null;
        String[] params = new String[2];
        for (Route r : ROUTES) {
            if (!matches(r.segments, parts, params)) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r, params[0], params[1], null);
            }
            if (allow == null) {
                allow = new StringBuilder(r.method.name());
            } else {
                allow.append(", ").append(r.method.name());
            }
        }
        return allow == null ? NOT_FOUND : new Match(null, null, null, allow.toString());
    }

    private static boolean matches(String[] template, String[] parts, String[] params) {
        if (template.length != parts.length) {
            return false;
        }
        int p = 0;
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return false;
                }
                params[p++] = parts[i];
            } else if (!t.equals(parts[i])) {
                return false;
            }
        }
        return true;
    }

    /** The query parameter's value (first occurrence, percent-decoded), or null. */
    public static String query(String uri, String name) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        io.netty.handler.codec.http.QueryStringDecoder d = new io.netty.handler.codec.http.QueryStringDecoder(uri);
        java.util.List<String> v = d.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
