package dev.surge.journal.crash;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
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
import java.util.concurrent.Executors;

/**
 * The child JVM of {@link JournalCrashIT}: recovers {@code <dataDir>} as a server start does,
 * runs the real {@link EngineRing} over a {@link ChronicleJournal} (and a {@link SnapshotAgent}),
 * creates the {@link LoadCampaign} on a first start, then claims from several
 * {@link ClaimPublisher} threads until it is killed.
 *
 * <p>Its stdout carries only acknowledgements: for every claim reply that the reply stage sees
 * GRANTED and journaled, one line {@code GRANT <grantId> <sku> <itemSku>:<code>,...} (an empty
 * code for a recharge), flushed at once, so the parent knows exactly what a client was told
 * before the kill. {@code READY <lastSequence>} comes first, once set-up is done; logs go to stderr.
 *
 * <p>Usage: {@code RingUnderLoadMain <dataDir> <process|sync> <publishers>}, key in
 * {@code SURGE_CODE_KEY}.
 */
public final class RingUnderLoadMain {
    static final int CODES_PER_SKU = 60_000;
    static final int USERS = 50_000;

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
        boolean firstStart = machine.campaign(LoadCampaign.CAMPAIGN) == null;
        ChronicleJournal journal = new ChronicleJournal(dataDir, durability, cipher);
        AckPrinter printer = new AckPrinter(acks);
        EngineRing ring = new EngineRing(machine, journal, printer::onReply, DeliveryPort.NONE, 4096,
            EngineRing.Wait.PARKING).start();
        // Often, so that a kill finds snapshots (and maybe one half written) to recover from.
        new SnapshotAgent(dataDir, cipher, snapshots, 5_000, Duration.ofSeconds(1))
            .start(Executors.newSingleThreadScheduledExecutor()); // runs until the kill

        if (firstStart) {
            LoadCampaign.create(ring, CODES_PER_SKU);
        }
        synchronized (acks) {
            acks.println("READY " + journal.lastSequence());
            acks.flush();
        }
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            long seed = System.nanoTime() * 31 + p;
            Thread t = new Thread(new ClaimPublisher(ring, LoadCampaign.CAMPAIGN, LoadCampaign.CLAIMED_SKUS,
                LoadCampaign.RECHARGE_SKU, USERS, Long.MAX_VALUE, seed, "p" + p + "-" + Long.toHexString(seed) + "-"),
                "publisher-" + p);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(); // never: the parent kills this JVM
        }
    }

    /** The reply port: prints acknowledged grants. Reply thread only. */
    private static final class AckPrinter {
        private final PrintStream out;
        private final ReplyView view = new ReplyView();
        private final StringBuilder line = new StringBuilder(128);

        AckPrinter(PrintStream out) {
            this.out = out;
        }

        void onReply(CommandSlot slot) {
            if (LoadCampaign.onReply(slot)
                || slot.type != CommandType.CLAIM || !slot.journaled || slot.result != ResultCode.GRANTED) {
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
}
