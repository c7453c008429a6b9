package dev.surge.gateway.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

class ClaimReplyJsonTest {
    private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(256);

    /** One claim reply in the engine's layout (see ReplyView): a grant with {@code items} when GRANTED. */
    private int reply(ResultCode result, boolean replayed, int reason, String campaign, String sku, String[][] items) {
        WireWriter w = new WireWriter().wrap(reply, 0);
        w.putByte(result.code()).putByte(replayed ? 1 : 0).putByte(reason);
        w.putString(campaign).putString(sku);
        if (result == ResultCode.GRANTED) {
            w.putLong(0x0123456789ABCDEFL ^ reason).putInt(reason * 7919).putString(campaign).putString(sku)
                .putLong(1_700_000_000_000L).putLong(0).putByte(DeliveryStatus.PENDING.code()).putByte(items.length);
            for (String[] item : items) {
                SkuKind kind = SkuKind.valueOf(item[1]);
                w.putString(item[0]).putByte(kind.code()).putString(item[2])
                    .putByte(DeliveryStatus.valueOf(item[3]).code()).putString(item[4]);
            }
        }
        return w.position();
    }

    private static String jackson(ReplyView v) throws Exception {
        ByteBuf out = Unpooled.buffer();
        try (JsonGenerator g = Json.generator(out)) {
            ReplyJson.claim(g, v);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Same bytes as ReplyJson.claim through Jackson; returns whether the direct writer took the reply. */
    private boolean assertSameJson(int length) throws Exception {
        ByteBuf direct = Unpooled.buffer();
        boolean written = ClaimReplyJson.get().write(reply, length, direct);
        if (written) {
            ReplyView v = new ReplyView().read(CommandType.CLAIM, reply, length);
            assertEquals(jackson(v), direct.toString(StandardCharsets.UTF_8));
            assertEquals(v.replayed, ClaimReplyJson.get().replayed());
            assertEquals(v.result, ClaimReplyJson.get().result());
            assertEquals(v.campaign, ClaimReplyJson.get().campaign(reply));
        }
        return written;
    }

    @Test
    void writesEveryDecisionAsJacksonDoes() throws Exception {
        String[][] items = {
            {"card", "CODE", "C-1", "DELIVERED", ""},
            {"vip", "DIRECT_RECHARGE", "", "PENDING", "primary"},
            {"gift", "CODE", "q\"u\\o\nte\t\u0001\u001f\u007f/", "FAILED", ""},
        };
        for (ResultCode result : ResultCode.values()) {
            for (boolean replayed : new boolean[] {false, true}) {
                int length = reply(result, replayed, 3, "bench", "card", items);
                // RESERVED carries an order (docs/payments.md): the general rendering writes it
                boolean special = result == ResultCode.INVALID || result == ResultCode.IDEMPOTENCY_KEY_REUSED
                    || result == ResultCode.ACCOUNT_REQUIRED || result == ResultCode.RESERVED;
                if (!special) {
                    assertTrue(assertSameJson(length), result.name());
                }
            }
        }
        assertTrue(assertSameJson(reply(ResultCode.GRANTED, false, 0, "c", "s", new String[0][])), "no items");
        assertTrue(assertSameJson(reply(ResultCode.RISK_REJECTED, false, 99, "c", "s", null)), "unknown reason");
    }

    @Test
    void leavesOtherRepliesToTheGeneralRendering() throws Exception {
        assertFalse(ClaimReplyJson.get().write(reply, reply(ResultCode.ACCOUNT_REQUIRED, false, 0, "c", "s", null),
            Unpooled.buffer()));
        assertFalse(ClaimReplyJson.get().write(reply, reply(ResultCode.IDEMPOTENCY_KEY_REUSED, false, 0, "c", "s",
            null), Unpooled.buffer()));
        assertFalse(ClaimReplyJson.get().write(reply, reply(ResultCode.RESERVED, false, 0, "c", "s", null),
            Unpooled.buffer()));
        assertFalse(assertSameJson(reply(ResultCode.GRANTED, false, 0, "c", "s",
            new String[][] {{"card", "CODE", "caf\u00e9", "DELIVERED", ""}})), "not ASCII");
    }

    /** Random ASCII codes, campaign and SKU ids, item counts; rerun one history with -Dsurge.seed=N. */
    @Test
    void randomGrantsAreWrittenAsJacksonDoes() throws Exception {
        long seed = Long.getLong("surge.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int n = 0; n < 2000; n++) {
            String[][] items = new String[random.nextInt(4)][];
            for (int i = 0; i < items.length; i++) {
                boolean code = random.nextBoolean();
                items[i] = new String[] {ascii(random, 1 + random.nextInt(12)), code ? "CODE" : "DIRECT_RECHARGE",
                    code ? ascii(random, random.nextInt(40)) : "",
                    DeliveryStatus.values()[random.nextInt(DeliveryStatus.values().length)].name(),
                    random.nextBoolean() ? "" : ascii(random, 1 + random.nextInt(8))};
            }
            ResultCode result = random.nextInt(3) == 0 ? ResultCode.SOLD_OUT : ResultCode.GRANTED;
            int length = reply(result, random.nextBoolean(), random.nextInt(8), ascii(random, 1 + random.nextInt(20)),
                ascii(random, 1 + random.nextInt(20)), items);
            assertTrue(assertSameJson(length), "seed " + seed);
        }
    }

    @Test
    void theCampaignLabelIsMadeOncePerCampaign() {
        ClaimReplyJson json = ClaimReplyJson.get();
        json.write(reply, reply(ResultCode.SOLD_OUT, false, 0, "sale-1", "s", null), Unpooled.buffer());
        String first = json.campaign(reply);
        json.write(reply, reply(ResultCode.LIMIT_REACHED, false, 0, "sale-1", "t", null), Unpooled.buffer());
        assertSame(first, json.campaign(reply));
        json.write(reply, reply(ResultCode.SOLD_OUT, false, 0, "sale-2", "s", null), Unpooled.buffer());
        assertEquals("sale-2", json.campaign(reply));
    }

    private static String ascii(Random random, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) random.nextInt(128));
        }
        return b.toString();
    }
}
