package dev.surge.journal.crash;

import com.lmax.disruptor.EventTranslatorOneArg;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.Durability;
import dev.surge.journal.Recovery;
import dev.surge.journal.SnapshotAgent;
import dev.surge.journal.SnapshotStore;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The child JVM of {@link JournalCrashIT}: recovers {@code <dataDir>} as a server start does,
 * runs the real {@link EngineRing} over a {@link ChronicleJournal} (and a {@link SnapshotAgent}),
 * sets up campaign {@value #CAMPAIGN} on a first start, then claims from several publisher
 * threads until it is killed.
 *
 * <p>Its stdout carries only acknowledgements: for every claim reply that the reply stage sees
 * GRANTED and journaled, one line {@code GRANT <grantId> <sku> <itemSku>:<code>,...} (an empty
 * code for a recharge), flushed at once, so the parent knows exactly what a client was told
 * before the kill. {@code READY <lastSequence>} comes first, once setup is done; logs go to stderr.
 *
 * <p>Usage: {@code RingUnderLoadMain <dataDir> <process|sync> <publishers>}, key in
 * {@code SURGE_CODE_KEY}.
 */
public final class RingUnderLoadMain {
    static final String CAMPAIGN = "crash";
    /** CODE SKUs, a bundle of both, and a recharge. */
    static final String[] CLAIMED_SKUS = {"video", "music", "pack", "vip"};
    static final int CODES_PER_SKU = 60_000;
    static final int USERS = 50_000;
    static final int PER_USER_LIMIT = 3;

    private RingUnderLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        // Acks own fd 1; everything else (logback, Chronicle) is pointed at stderr before it starts.
        PrintStream acks = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 14),
            false, StandardCharsets.US_ASCII);
        System.setOut(System.err);
        Path dataDir = Path.of(args[0]);
        Durability durability = Durability.parse(args[1]);
        int publishers = Integer.parseInt(args[2]);
        CodeCipher cipher = CodeCipher.fromEnvironment();

        SnapshotStore snapshots = new SnapshotStore(dataDir, cipher);
        StateMachine machine = new Recovery(dataDir, cipher, snapshots).run().machine();
        boolean firstStart = machine.campaign(CAMPAIGN) == null;
        ChronicleJournal journal = new ChronicleJournal(dataDir, durability, cipher);
        AckPrinter printer = new AckPrinter(acks);
        EngineRing ring = new EngineRing(machine, journal, printer::onReply, DeliveryPort.NONE, 4096,
            EngineRing.Wait.SLEEPING).start();
        // Often, so that a kill finds snapshots (and maybe one half written) to recover from.
        new SnapshotAgent(dataDir, cipher, snapshots, 5_000, Duration.ofSeconds(1)).start();

        if (firstStart) {
            setUp(ring, printer);
        }
        synchronized (acks) {
            acks.println("READY " + journal.lastSequence());
            acks.flush();
        }
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            Thread t = new Thread(new Publisher(ring, p, System.nanoTime()), "publisher-" + p);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(); // never: the parent kills this JVM
        }
    }

    private static void setUp(EngineRing ring, AckPrinter printer) throws InterruptedException {
        CampaignSpec spec = new CampaignSpec(CAMPAIGN);
        spec.name = "crash test";
        spec.perUserLimit = PER_USER_LIMIT;
        spec.skus.add(new CampaignSpec.SkuSpec("video", SkuKind.CODE));
        spec.skus.add(new CampaignSpec.SkuSpec("music", SkuKind.CODE));
        CampaignSpec.SkuSpec pack = new CampaignSpec.SkuSpec("pack", SkuKind.BUNDLE);
        pack.items.add(new CampaignSpec.BundleItem("video", 1));
        pack.items.add(new CampaignSpec.BundleItem("music", 1));
        spec.skus.add(pack);
        CampaignSpec.SkuSpec vip = new CampaignSpec.SkuSpec("vip", SkuKind.DIRECT_RECHARGE);
        vip.stock = CODES_PER_SKU;
        vip.suppliers.add("primary");
        spec.skus.add(vip);

        CommandWriter w = new CommandWriter();
        long now = System.currentTimeMillis();
        admin(ring, printer, slot -> w.upsertCampaign(slot, now, spec));
        int batch = 5_000;
        for (String sku : new String[] {"video", "music"}) {
            String prefix = sku.equals("video") ? "V" : "M";
            for (int from = 0; from < CODES_PER_SKU; from += batch) {
                List<String> codes = new ArrayList<>(batch);
                for (int i = from; i < from + batch; i++) {
                    codes.add(prefix + "-" + i);
                }
                admin(ring, printer, slot -> w.loadCodes(slot, now, CAMPAIGN, sku, codes));
            }
        }
    }

    private static final EventTranslatorOneArg<CommandSlot, Consumer<CommandSlot>> FILL =
        (slot, sequence, fill) -> fill.accept(slot);

    /** Publishes one admin command and waits until its reply says OK (and so it is journaled). */
    private static void admin(EngineRing ring, AckPrinter printer, Consumer<CommandSlot> fill)
        throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        ResultCode[] result = new ResultCode[1];
        while (!ring.tryPublish(FILL, slot -> {
            fill.accept(slot);
            slot.context = (Consumer<ResultCode>) r -> {
                result[0] = r;
                done.countDown();
            };
        })) {
            LockSupport.parkNanos(100_000);
        }
        if (!done.await(60, TimeUnit.SECONDS) || result[0] != ResultCode.OK) {
            throw new IllegalStateException("setup command refused: " + result[0]);
        }
    }

    /** The reply port: prints acknowledged grants, completes admin commands. Reply thread only. */
    private static final class AckPrinter {
        private final PrintStream out;
        private final ReplyView view = new ReplyView();
        private final StringBuilder line = new StringBuilder(128);

        AckPrinter(PrintStream out) {
            this.out = out;
        }

        @SuppressWarnings("unchecked")
        void onReply(CommandSlot slot) {
            if (slot.context instanceof Consumer<?> admin) {
                ((Consumer<ResultCode>) admin).accept(slot.journaled ? slot.result : ResultCode.UNAVAILABLE);
                return;
            }
            if (slot.type != CommandType.CLAIM || !slot.journaled || slot.result != ResultCode.GRANTED) {
                return;
            }
            view.read(slot.type, slot.reply, slot.replyLength);
            line.setLength(0);
            line.append("GRANT ").append(view.grantId()).append(' ').append(view.sku).append(' ');
            for (int i = 0; i < view.items.size(); i++) {
                ReplyView.Item item = view.items.get(i);
                line.append(i == 0 ? "" : ",").append(item.sku()).append(':').append(item.code());
            }
            synchronized (out) {
                out.println(line);
                out.flush(); // the parent may kill us any moment: an ack is only one once it is out
            }
        }
    }

    /** One publishing thread: claims by random users on random SKUs, backing off while the ring is full. */
    private static final class Publisher implements Runnable {
        private static final EventTranslatorOneArg<CommandSlot, Publisher> CLAIM =
            (slot, sequence, p) -> p.writer.claim(slot, System.currentTimeMillis(), p.random.nextLong(),
                p.random.nextInt(), p.user, p.key, CAMPAIGN, p.sku, "", null, p.account);

        private final EngineRing ring;
        private final CommandWriter writer = new CommandWriter();
        private final SplittableRandom random;
        private final String keyPrefix;
        private String user;
        private String key;
        private String sku;
        private String account;

        Publisher(EngineRing ring, int id, long seed) {
            this.ring = ring;
            this.random = new SplittableRandom(seed * 31 + id);
            this.keyPrefix = "p" + id + "-" + Long.toHexString(seed) + "-";
        }

        @Override
        public void run() {
            for (long i = 0; ; i++) {
                user = "u" + random.nextInt(USERS);
                key = keyPrefix + i;
                sku = CLAIMED_SKUS[random.nextInt(CLAIMED_SKUS.length)];
                account = sku.equals("vip") ? "1380000" + random.nextInt(1_000_000) : "";
                while (!ring.tryPublish(CLAIM, this)) {
                    LockSupport.parkNanos(50_000);
                }
            }
        }
    }
}
