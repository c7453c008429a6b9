package dev.surge.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DashboardSessionsTest {
    private final DashboardSessions sessions = new DashboardSessions();

    @Test
    void aSessionIsFoundByItsIdUntilItExpires() {
        DashboardSessions.Session s = sessions.create(1000);
        assertTrue(s.id().length() >= 43, "256 random bits");
        assertNotEquals(s.id(), sessions.create(1000).id());
        assertEquals(s, sessions.find(s.id(), 1000 + DashboardSessions.TTL_MS - 1));
        assertNull(sessions.find(s.id() + "x", 1000));
        assertNull(sessions.find(s.id(), 1000 + DashboardSessions.TTL_MS));
        assertNull(sessions.find(s.id(), 1000), "an expired session is forgotten");
    }

    @Test
    void cookiesNameTheSessionAmongOthers() {
        DashboardSessions.Session s = sessions.create(0);
        assertEquals(s, sessions.fromCookies("theme=dark; " + DashboardSessions.COOKIE + "=" + s.id() + "; lang=zh", 1));
        assertNull(sessions.fromCookies("theme=dark", 1));
        assertNull(sessions.fromCookies(DashboardSessions.COOKIE + "=forged", 1));
        assertNull(sessions.fromCookies(null, 1));
        sessions.remove(s);
        assertNull(sessions.fromCookies(DashboardSessions.COOKIE + "=" + s.id(), 1), "logged out");
    }

    @Test
    void theCsrfTokenMustMatchExactly() {
        DashboardSessions.Session s = sessions.create(0);
        assertTrue(s.csrfMatches(s.csrf()));
        assertFalse(s.csrfMatches(s.csrf() + "x"));
        assertFalse(s.csrfMatches(""));
        assertFalse(s.csrfMatches(null));
        assertFalse(s.csrfMatches(sessions.create(0).csrf()));
    }

    @Test
    void sessionsAreBoundedExpiredFirstThenOldest() {
        DashboardSessions.Session first = sessions.create(0);
        for (int i = 1; i < DashboardSessions.MAX_SESSIONS; i++) {
            sessions.create(i);
        }
        assertEquals(DashboardSessions.MAX_SESSIONS, sessions.size());
        DashboardSessions.Session later = sessions.create(DashboardSessions.MAX_SESSIONS);
        assertEquals(DashboardSessions.MAX_SESSIONS, sessions.size(), "a login flood does not grow the map");
        assertNull(sessions.find(first.id(), DashboardSessions.MAX_SESSIONS), "the oldest made room");
        assertEquals(later, sessions.find(later.id(), DashboardSessions.MAX_SESSIONS));
        sessions.create(DashboardSessions.TTL_MS + DashboardSessions.MAX_SESSIONS - 1); // all but `later` have expired
        assertEquals(2, sessions.size());
    }
}
