package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureTest {
    @Test
    void hexHmacSha256AsRfc4231() {
        Signature s = new Signature("Jefe");
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
        String expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; // RFC 4231, case 2
        assertEquals(expected, s.sign(data));
        assertTrue(s.verify(data, expected.toUpperCase()));
        assertFalse(s.verify(data, expected.replace('5', '6')));
        assertFalse(s.verify(data, null));
        assertFalse(s.toString().contains("Jefe"));
    }
}
