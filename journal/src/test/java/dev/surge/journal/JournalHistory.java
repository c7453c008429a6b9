package dev.surge.journal;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.StateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A deterministic history for journal tests: campaigns, code loads (with a distinctive mark, to
 * look for plaintext at rest), claims of every SKU kind, redemptions, deliveries, stock and
 * status changes, driven through {@link EngineDriver}. The same seed gives the same events.
 */
final class JournalHistory {
    /** Every loaded code contains this; it must never be found in a file under the data dir. */
    static final String CODE_MARK = "ZQXJ7PLAIN";
    static final CodeCipher CIPHER = CodeCipher.of(key(7));

    private JournalHistory() {
    }

    static byte[] key(int seed) {
        byte[] key = new byte[CodeCipher.KEY_LENGTH];
        new SplittableRandom(seed).nextBytes(key);
        return key;
    }

    /** Runs a history of about {@code claims} claims plus admin, redemption and delivery events. */
    static EngineDriver run(long seed, int claims) {
        EngineDriver d = new EngineDriver(seed, CIPHER.stateConfig());
        SplittableRandom rnd = new SplittableRandom(seed);
        CampaignSpec spec = EngineDriver.campaign("spring", 3);
        spec.perDeviceLimit = 5;
        EngineDriver.sku(spec, "video", SkuKind.CODE).perUserLimit = 1;
        EngineDriver.sku(spec, "music", SkuKind.CODE);
        CampaignSpec.SkuSpec vip = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        vip.stock = claims / 4 + 1;
        vip.suppliers.add("primary");
        vip.suppliers.add("backup");
        CampaignSpec.SkuSpec pack = EngineDriver.sku(spec, "pack", SkuKind.BUNDLE);
        pack.items.add(new CampaignSpec.BundleItem("video", 1));
        pack.items.add(new CampaignSpec.BundleItem("music", 1));
        check(d.upsert(spec), ResultCode.OK);
        check(d.load("spring", "video", EngineDriver.codes(CODE_MARK + "-V", claims / 3 + 5)), ResultCode.OK);
        check(d.load("spring", "music", EngineDriver.codes(CODE_MARK + "-M", claims / 3 + 5)), ResultCode.OK);
        byte[] shop = EngineDriver.keyHash(1);
        check(d.createRedeemer("shop", shop, "spring"), ResultCode.OK);
        String[] skus = {"video", "music", "vip", "pack"};
        int users = Math.max(10, claims / 2);
        for (int i = 0; i < claims; i++) {
            d.now += rnd.nextInt(3);
            String user = "u" + rnd.nextInt(users);
            String sku = skus[rnd.nextInt(skus.length)];
            byte[] ip = {10, 0, (byte) rnd.nextInt(4), (byte) rnd.nextInt(256)};
            ReplyView r = d.claim(user, "k" + i, "spring", sku, "dev" + rnd.nextInt(users), ip,
                sku.equals("vip") ? "1380000" + i : "");
            if (r.result != ResultCode.GRANTED) {
                continue;
            }
            String grant = r.grantId();
            if (sku.equals("vip")) {
                d.delivery(grant, 0, rnd.nextInt(4) == 0 ? DeliveryStatus.FAILED : DeliveryStatus.DELIVERED,
                    rnd.nextBoolean() ? "primary" : "backup");
            } else if (rnd.nextInt(3) == 0) {
                d.redeemGrant(user, "r" + i, grant);
            } else if (rnd.nextInt(5) == 0) {
                d.redeemCode("shop", shop, "c" + i, r.items.get(0).code());
            }
            if (i % 97 == 0) {
                d.adjust("spring", "vip", 2);
            }
            if (i % 211 == 0) {
                d.status("spring", CampaignStatus.PAUSED);
                d.claim(user, "paused" + i, "spring", "video"); // rejected: PAUSED
                d.status("spring", CampaignStatus.ACTIVE);
            }
        }
        return d;
    }

    private static void check(ReplyView r, ResultCode expected) {
        if (r.result != expected) {
            throw new AssertionError("expected " + expected + ", got " + r.result + " " + r.message);
        }
    }

    /**
     * Appends events [from, to) in batches of {@code batch}, as the ring's journal stage would,
     * and returns their Chronicle indexes (a batch's events share its document's).
     */
    static List<Long> append(ChronicleJournal journal, List<byte[]> events, int from, int to, int batch) {
        List<Long> indexes = new ArrayList<>();
        int pending = 0;
        for (int i = from; i < to; i++) {
            byte[] e = events.get(i);
            journal.append(i + 1, new UnsafeBuffer(e), 0, e.length);
            pending++;
            if ((i + 1 - from) % batch == 0 || i == to - 1) {
                journal.endOfBatch();
                for (; pending > 0; pending--) {
                    indexes.add(journal.lastIndex());
                }
            }
        }
        return indexes;
    }

    /** A fresh machine with events [0, n) applied. */
    static StateMachine replay(List<byte[]> events, int n) {
        StateMachine m = new StateMachine(CIPHER.stateConfig());
        for (int i = 0; i < n; i++) {
            byte[] e = events.get(i);
            if (!m.apply(new UnsafeBuffer(e), 0, e.length)) {
                throw new AssertionError("event " + (i + 1) + " did not apply");
            }
        }
        return m;
    }

    /** Every regular file under {@code root}. */
    static List<Path> files(Path root) {
        try (var walk = Files.walk(root)) {
            List<Path> files = new ArrayList<>();
            walk.filter(Files::isRegularFile).forEach(files::add);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
