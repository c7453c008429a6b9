package dev.surge.bench;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateMachine;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory of the engine's state, measured as heap and direct memory in use after a full GC (run
 * with a fixed heap and -XX:+UseParallelGC, whose System.gc() is a full, compacting collection):
 * <ul>
 *   <li>per user: {@code users} users each granted one claim; then the users' lines (limit
 *       counters, newest grant, Idempotency-Key record, and their index) are emptied, and the
 *       memory freed is divided by users.
 *       The tables are reserved for the users first (as {@code --expected-users} does): a table
 *       left to grow by doubling holds up to twice as much at the moment it last doubled.
 *       The whole per-user state (line, grant, the device and address counters as reserved) is reported too;</li>
 *   <li>per pooled code: {@code codes} card codes of 14 bytes loaded into one SKU's pool
 *       (pool arena, offsets and the duplicate index), heap growth divided by codes.</li>
 * </ul>
 * Usage: {@code MemoryFootprint [users] [codes]} (default 10,000,000 each). Prints a summary
 * and writes {@code memory.json} to the {@code surge.bench.out} directory when it is set.
 */
public final class MemoryFootprint {
    private static final int CODE_BATCH = 10_000;
    private static final int CODE_TEXT_BYTES = 14;

    /** Bytes per user and per code, and how they were obtained. */
    public record Result(long users, double limitBytesPerUser, double stateBytesPerUser, long codes,
                         double bytesPerCode, int codeTextBytes) {
        String json() {
            return String.format(Locale.ROOT, "{\"users\": %d, \"limitBytesPerUser\": %.2f, \"stateBytesPerUser\": %.2f, "
                    + "\"codes\": %d, \"bytesPerCode\": %.2f, \"codeTextBytes\": %d}%n", users, limitBytesPerUser,
                stateBytesPerUser, codes, bytesPerCode, codeTextBytes);
        }
    }

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        long users = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 10_000_000L;
        long codes = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 10_000_000L;
        Result r = measure(users, codes);
        System.out.printf(Locale.ROOT, "user lines: %.1f B/user at %,d users (whole per-user state %.1f B)%n",
            r.limitBytesPerUser, r.users, r.stateBytesPerUser);
        System.out.printf(Locale.ROOT, "code pool: %.1f B/code at %,d codes of %d bytes%n", r.bytesPerCode, r.codes,
            r.codeTextBytes);
        Path out = Histograms.outDir();
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("memory.json"), r.json(), StandardCharsets.UTF_8);
        }
    }

    public static Result measure(long users, long codes) throws ReflectiveOperationException {
        CommandSlot slot = new CommandSlot();
        FlashSale sale = new FlashSale();

        StateMachine claims = campaignMachine(slot, sale);
        long before = usedAfterGc();
        claims.reserve((int) users); // sized for the sale, as --expected-users does in production
        for (long n = 0; n < users; n++) {
            sale.rechargeClaim(slot, n);
            claims.decide(slot);
            expect(slot, ResultCode.GRANTED);
        }
        long withUsers = usedAfterGc();
        clearUserLines(claims);
        long withoutLines = usedAfterGc();
        Reference.reachabilityFence(claims);
        claims = null;

        StateMachine pool = campaignMachine(slot, sale);
        CommandWriter writer = new CommandWriter();
        long emptyPool = usedAfterGc();
        StringBuilder code = new StringBuilder();
        List<String> batch = new ArrayList<>(CODE_BATCH);
        for (long loaded = 0; loaded < codes; ) {
            batch.clear();
            for (int i = 0; i < CODE_BATCH && loaded < codes; i++, loaded++) {
                FlashSale.code(code, loaded);
                batch.add(code.toString());
            }
            writer.loadCodes(slot, 2, FlashSale.CAMPAIGN, FlashSale.CODE_SKU, batch);
            pool.decide(slot);
            expect(slot, ResultCode.OK);
        }
        batch.clear();
        slot = new CommandSlot(); // the old slot's event buffer grew to a batch of codes
        long fullPool = usedAfterGc();
        Reference.reachabilityFence(pool);
        return new Result(users, (double) (withUsers - withoutLines) / users, (double) (withUsers - before) / users,
            codes, (double) (fullPool - emptyPool) / codes, CODE_TEXT_BYTES);
    }

    private static StateMachine campaignMachine(CommandSlot slot, FlashSale sale) {
        StateMachine machine = new StateMachine();
        sale.upsertCampaign(slot);
        machine.decide(slot);
        expect(slot, ResultCode.OK);
        return machine;
    }

    private static void expect(CommandSlot slot, ResultCode expected) {
        if (slot.result != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + slot.result);
        }
    }

    /**
     * Empties the users' lines after measuring (counters, newest grant, a key record each, and
     * their index), to see what they held. Reflection, because the engine rightly exposes no
     * handle on its state.
     */
    private static void clearUserLines(StateMachine machine) throws ReflectiveOperationException {
        Field stateField = StateMachine.class.getDeclaredField("state");
        stateField.setAccessible(true);
        Object state = stateField.get(machine);
        Field users = state.getClass().getDeclaredField("users");
        users.setAccessible(true);
        Object book = users.get(state);
        java.lang.reflect.Method clear = book.getClass().getDeclaredMethod("clear");
        clear.setAccessible(true);
        clear.invoke(book);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long directUsed() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }

    /**
     * Heap and direct memory in use after full collections (repeated until it stops shrinking):
     * the users' lines are off the heap, given back by their buffers' cleaners soon after a collection.
     */
    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            sleep();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + directUsed();
            if (now >= used - 1024) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }
}
