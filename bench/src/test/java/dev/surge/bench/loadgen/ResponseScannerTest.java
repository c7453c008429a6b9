package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseScannerTest {
    private static final String GRANTED = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        + "%s\r\n\r\n%s";
    private static final String GRANTED_BODY = "{\"result\": \"GRANTED\", \"grantId\": \"g_5Kq2vN8x\", \"items\": "
        + "[{\"skuId\": \"card\", \"kind\": \"CODE\", \"code\": \"VX8K-2M9Q\"}]}";

    private static String response(String extraHeader, String body) {
        return String.format(GRANTED, body.getBytes(StandardCharsets.UTF_8).length, extraHeader, body);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void readsAGrantedClaimAndLeavesWhatFollows() {
        ByteBuf in = bytes(response("X-Request-Id: 1", GRANTED_BODY) + "HTTP/1.1 2");
        ResponseScanner s = new ResponseScanner();
        assertTrue(s.next(in, true));
        assertEquals(200, s.status());
        assertEquals("GRANTED", s.result());
        assertEquals("g_5Kq2vN8x", s.grantId());
        assertEquals("", s.code(), "a 200's item codes are not an error code");
        assertFalse(s.replayed());
        assertEquals("HTTP/1.1 2", in.toString(StandardCharsets.US_ASCII));
        assertFalse(s.next(in, true), "half a response is not consumed");
        assertEquals(10, in.readableBytes());
    }

    @Test
    void waitsForEveryByteOfHeadAndBody() {
        String whole = response("Idempotent-Replayed: true", GRANTED_BODY);
        ResponseScanner s = new ResponseScanner();
        for (int cut = 0; cut < whole.length(); cut++) {
            ByteBuf in = bytes(whole.substring(0, cut));
            assertFalse(s.next(in, true), "cut at " + cut);
            assertEquals(cut, in.readableBytes());
        }
        ByteBuf in = bytes(whole);
        assertTrue(s.next(in, false));
        assertTrue(s.replayed());
        assertEquals("", s.grantId(), "not asked for");
        assertEquals(0, in.readableBytes());
    }

    @Test
    void readsAnErrorsCodeAndReusesKnownValues() {
        String body = "{\"error\": {\"code\": \"RATE_LIMITED\", \"message\": \"slow down\"}}";
        String text = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        ByteBuf in = bytes(text + text);
        ResponseScanner s = new ResponseScanner();
        assertTrue(s.next(in, true));
        assertEquals(429, s.status());
        String first = s.code();
        assertEquals("RATE_LIMITED", first);
        assertEquals("", s.result());
        assertEquals("", s.grantId());
        assertTrue(s.next(in, true));
        assertSame(first, s.code(), "a value seen before is not a new String");
    }

    @Test
    void refusesWhatIsNotAnAnswerOfSurges() {
        ResponseScanner s = new ResponseScanner();
        assertThrows(IllegalStateException.class, () -> s.next(bytes("HTTP/1.1 200 OK\r\nX: y\r\n\r\n{}"), true));
        assertThrows(IllegalStateException.class, () -> s.next(bytes("SSH-2.0-OpenSSH\r\n\r\n"), true));
        ByteBuf endless = bytes("HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(ResponseScanner.MAX_HEAD / 6 + 1));
        assertThrows(IllegalStateException.class, () -> s.next(endless, true));
    }

    @Test
    void writesDecimals() {
        ByteBuf b = Unpooled.buffer();
        for (int n : new int[] {0, 7, 10, 52, 1234567}) {
            b.clear();
            OpenLoop.writeDecimal(b, n);
            assertEquals(Integer.toString(n), b.toString(StandardCharsets.US_ASCII));
        }
    }
}
