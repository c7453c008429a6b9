package dev.surge.journal.crash;

import com.lmax.disruptor.EventTranslatorOneArg;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.ring.EngineRing;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One publishing thread's work for ring load: claims by random users ({@code u0..u<users-1>}) on
 * random SKUs of a campaign, each with a fresh Idempotency-Key, parking briefly while the ring is
 * full (as the gateway answers OVERLOADED instead). The recharge SKU's claims carry an account.
 * The publisher stamps time and grant-id randomness into the command, as the gateway does.
 *
 * <p>Threading: {@link #run} on its own thread; nothing shared but the ring.
 */
final class ClaimPublisher implements Runnable {
    private static final EventTranslatorOneArg<CommandSlot, ClaimPublisher> CLAIM = (slot, sequence, p) -> {
        p.writer.claim(slot, System.currentTimeMillis(), p.user, p.key,
            p.campaign, p.sku, "", null, p.account);
        slot.publishedNanos = System.nanoTime();
    };

    private final EngineRing ring;
    private final String campaign;
    private final String[] skus;
    private final String rechargeSku;
    private final int users;
    private final long claims;
    private final CommandWriter writer = new CommandWriter();
    private final SplittableRandom random;
    private final String keyPrefix;
    private String user;
    private String key;
    private String sku;
    private String account;

    /** {@code claims}: how many to publish; Long.MAX_VALUE to go on until the JVM ends. */
    ClaimPublisher(EngineRing ring, String campaign, String[] skus, String rechargeSku, int users, long claims,
                   long seed, String keyPrefix) {
        this.ring = ring;
        this.campaign = campaign;
        this.skus = skus;
        this.rechargeSku = rechargeSku;
        this.users = users;
        this.claims = claims;
        this.random = new SplittableRandom(seed);
        this.keyPrefix = keyPrefix;
    }

    @Override
    public void run() {
        for (long i = 0; i < claims; i++) {
            user = "u" + random.nextInt(users);
            key = keyPrefix + i;
            sku = skus[random.nextInt(skus.length)];
            account = sku.equals(rechargeSku) ? "1380000" + random.nextInt(1_000_000) : "";
            while (!ring.tryPublish(CLAIM, this)) {
                LockSupport.parkNanos(50_000);
            }
        }
    }
}
