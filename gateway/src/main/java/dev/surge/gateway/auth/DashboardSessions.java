package dev.surge.gateway.auth;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logins: an operator who typed the admin token gets a random session id, kept
 * in an HttpOnly cookie, so the token itself is never stored by the browser nor put in a URL.
 * Sessions live on the server, expire after {@link #TTL_MS}, and are found by the SHA-256 of
 * their id (the map never holds a usable id). Each has a CSRF token the page echoes in
 * {@link #CSRF_HEADER} on anything that changes state.
 *
 * <p>Threading: thread-safe (a concurrent map; creation is synchronized to keep the bound).
 */
public final class DashboardSessions {
    public static final String COOKIE = "surge_session";
    public static final String CSRF_HEADER = "X-Surge-CSRF";
    /** A working shift; the operator logs in again after it. */
    public static final long TTL_MS = 12 * 3600_000L;
    /** Far more than a team of operators needs; keeps a login flood from growing the map. */
    static final int MAX_SESSIONS = 1024;

    /** One login. {@code id} is only known to the browser holding the cookie and to its creator. */
    public record Session(String id, String csrf, long expiresAt) {
        /** Whether {@code presented} is this session's CSRF token (constant time). */
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();

    /** A new session from {@code now} (epoch ms). */
    public synchronized Session create(long now) {
        if (byHash.size() >= MAX_SESSIONS) {
            byHash.values().removeIf(s -> s.expiresAt() <= now);
        }
        if (byHash.size() >= MAX_SESSIONS) {
            byHash.values().stream().min(java.util.Comparator.comparingLong(Session::expiresAt))
                .ifPresent(oldest -> byHash.remove(hash(oldest.id())));
        }
        Session s = new Session(token(32), token(16), now + TTL_MS);
        byHash.put(hash(s.id()), s);
        return s;
    }

    /** The live session with this id, or null. */
    public Session find(String id, long now) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return null;
        }
        String key = hash(id);
        Session s = byHash.get(key);
        if (s != null && s.expiresAt() <= now) {
            byHash.remove(key, s);
            return null;
        }
        return s;
    }

    /** The live session named by a request's {@code Cookie} header, or null. */
    public Session fromCookies(String cookieHeader, long now) {
        if (cookieHeader == null || !cookieHeader.contains(COOKIE)) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(cookieHeader)) {
            if (c.name().equals(COOKIE)) {
                Session s = find(c.value(), now);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Logs a session out. */
    public void remove(Session s) {
        byHash.remove(hash(s.id()), s);
    }

    public int size() {
        return byHash.size();
    }

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String id) {
        return HexFormat.of().formatHex(AdminAuth.sha256(id));
    }
}
