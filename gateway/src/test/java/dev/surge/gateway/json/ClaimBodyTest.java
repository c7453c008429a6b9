package dev.surge.gateway.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClaimBodyTest {
    private static final int MAX_ACCOUNT = 64;

    /** What a reading came to: the fields, or the refusal's code, message and field. */
    private static String outcome(ClaimBody body, byte[] bytes, int offset, int length, boolean jackson) {
        try {
            if (jackson) {
                body.readWithJackson(bytes, offset, length, MAX_ACCOUNT);
            } else if (!body.read(bytes, offset, length, MAX_ACCOUNT)) {
                return null;
            }
            return "campaign=" + Objects.toString(body.campaign()) + " sku=" + Objects.toString(body.sku())
                + " device=" + Objects.toString(body.device()) + " account=" + Objects.toString(body.account());
        } catch (BadRequest e) {
            return e.code() + " " + e.getMessage() + " " + e.field();
        }
    }

    /** The in-place reading, when it judges the body, comes to what Jackson's does; returns whether it judged. */
    private static boolean assertSameOutcome(byte[] bytes) {
        byte[] framed = new byte[bytes.length + 6]; // at an offset, with bytes around it that are not the body's
        java.util.Arrays.fill(framed, (byte) '}');
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        ClaimBody body = ClaimBody.get();
        String fast = outcome(body, framed, 3, bytes.length, false);
        String jackson = outcome(body, framed, 3, bytes.length, true);
        if (fast != null) {
            assertEquals(jackson, fast, new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return fast != null;
    }

    private static boolean same(String json) {
        return assertSameOutcome(json.getBytes(StandardCharsets.UTF_8));
    }

    private static final String[] BODIES = {
        "{\"campaignId\":\"bench\",\"skuId\":\"card\"}",
        " {\"skuId\" : \"card\" ,\r\n\t\"campaignId\":\"b.e_n-ch\", \"deviceId\":\"d1\",\"account\":\"13800000000\"} ",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"extra\":1,\"more\":true,\"none\":null,\"s\":\"x\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"extra\":{\"a\":[1,2]}}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"campaignId\":\"other\"}",
        "{\"campaignId\":null,\"skuId\":\"card\"}",
        "{\"skuId\":\"card\"}", "{\"campaignId\":\"bench\"}", "{}", "[]", "", " ", "null", "\"x\"",
        "{\"campaignId\":5,\"skuId\":\"card\"}", "{\"campaignId\":\"bench\",\"skuId\":false}",
        "{\"campaignId\":\"ben ch\",\"skuId\":\"card\"}", "{\"campaignId\":\"\",\"skuId\":\"card\"}",
        "{\"campaignId\":\"" + "x".repeat(65) + "\",\"skuId\":\"card\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"deviceId\":\"bad device\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"account\":\"\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"account\":\"" + "1".repeat(65) + "\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"account\":\"" + "1".repeat(64) + "\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"account\":\"a\\u0001b\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"account\":12}",
        "{\"campaignId\":\"ben\\u0063h\",\"skuId\":\"card\"}",
        "{\"campaignId\":\"b\u00e9nch\",\"skuId\":\"card\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\"}x", "{\"campaignId\":\"bench\",\"skuId\":\"card\"}{}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",}", "{\"campaignId\":\"bench\" \"skuId\":\"card\"}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\"", "{\"campaignId\":\"bench\",\"skuId\":\"card",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"n\":-0,\"m\":01}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"n\":1.5e3}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"n\":" + "9".repeat(1200) + "}",
        "{\"campaignId\":\"bench\",\"skuId\":\"card\",\"n\":truex}",
        "{\"campaignId\":5,\"skuId\":\"card\",\"x\":[}",
        "{\"skuId\":7,\"campaignId\":\"bad id!\"}",
    };

    @Test
    void readsEveryBodyAsJacksonDoes() {
        for (String body : BODIES) {
            same(body);
        }
        assertSameOutcome(new byte[] {'{', '"', 'c', '"', ':', 0, '}'});
        assertSameOutcome("{\"campaignId\":\"a\0b\",\"skuId\":\"card\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertSameOutcome(new byte[] {'{', '"', 'c', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        assertSameOutcome(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
    }

    /** The common shapes are judged in place, the others left to Jackson. */
    @Test
    void judgesTheCommonShapesInPlace() {
        assertTrue(same(BODIES[0]));
        assertTrue(same(BODIES[1]));
        assertTrue(same(BODIES[2]));
        assertTrue(same("{\"campaignId\":5,\"skuId\":\"card\"}"), "a wrong type of the common shape");
        assertFalse(same(BODIES[3]), "nested");
        assertFalse(same(BODIES[4]), "duplicate");
        assertFalse(same("{\"campaignId\":\"ben\\u0063h\",\"skuId\":\"card\"}"), "an escape");
        assertFalse(same(""), "empty");
    }

    /** Random corruptions of the usual bodies; rerun one history with -Dsurge.seed=N. */
    @Test
    void randomBodiesAreReadAsJacksonDoes() {
        long seed = Long.getLong("surge.seed", System.nanoTime());
        Random random = new Random(seed);
        String alphabet = "{}[]\",:. \t\n\\-019aeflnrstu\u00e9";
        int judged = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder(BODIES[random.nextInt(3)]);
            for (int m = random.nextInt(3); m >= 0; m--) {
                int at = random.nextInt(b.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> b.deleteCharAt(Math.min(at, b.length() - 1));
                    default -> b.setCharAt(Math.min(at, b.length() - 1), alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            if (same(b.toString())) {
                judged++;
            }
        }
        assertTrue(judged > 1000, "seed " + seed + ": only " + judged + " judged in place");
    }
}
