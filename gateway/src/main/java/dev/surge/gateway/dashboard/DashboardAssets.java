package dev.surge.gateway.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard's files, bundled in the jar under {@code /dashboard/} (hand-written HTML, CSS,
 * JavaScript and an icon: no CDN, nothing fetched from elsewhere, so it works on a machine
 * without internet). Read once at start; only the files named here are ever served.
 *
 * <p>Threading: immutable after construction.
 */
final class DashboardAssets {
    /** A file and the Content-Type it is served with. */
    record Asset(byte[] bytes, String contentType) {
    }

    /** Where the page's CSRF token goes in {@code dashboard.html}. */
    static final String CSRF_PLACEHOLDER = "{{csrf}}";

    private final Map<String, Asset> files;
    private final String page;
    private final byte[] login;

    DashboardAssets() {
        files = Map.of(
            "dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
            "charts.js", load("charts.js", "text/javascript; charset=utf-8"),
            "login.js", load("login.js", "text/javascript; charset=utf-8"),
            "dashboard.css", load("dashboard.css", "text/css; charset=utf-8"),
            "icon.svg", load("icon.svg", "image/svg+xml"));
        login = load("login.html", "").bytes();
        page = new String(load("dashboard.html", "").bytes(), StandardCharsets.UTF_8);
        if (!page.contains(CSRF_PLACEHOLDER)) {
            throw new IllegalStateException("dashboard.html has no " + CSRF_PLACEHOLDER);
        }
    }

    /** A static file by name, or null. */
    Asset file(String name) {
        return files.get(name);
    }

    /** The page for a logged-in operator, carrying the session's CSRF token for its actions. */
    byte[] page(String csrf) {
        return page.replace(CSRF_PLACEHOLDER, csrf).getBytes(StandardCharsets.UTF_8);
    }

    /** The login form, for anyone without a session. */
    byte[] login() {
        return login;
    }

    private static Asset load(String name, String type) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the build: /dashboard/" + name);
            }
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
