package dev.surge.cluster;

import dev.surge.engine.command.CommandType;
import dev.surge.engine.util.Hashing;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The re-send window (docs/cluster.md, "Commands sent again"): the answers this member sent, by
 * (client id, correlation id), so that a command a client sends again (after a leader change, a
 * lost session or a late answer) is answered with its first answer instead of being decided a
 * second time. Without it an admin command without an Idempotency-Key (a stock adjustment, a code
 * upload, a status change) could be applied twice when its first answer was lost in a failover.
 *
 * <p><b>Bounded.</b> Every message says below which correlation id its client has all its answers
 * ({@link ClusterWire}); those are forgotten, oldest first. A client keeps at most
 * {@link #MAX_PER_CLIENT} answers (the oldest go first), a client silent for {@link #CLIENT_TTL_MS}
 * of the log's time is forgotten whole, and at most {@link #MAX_CLIENTS} clients are kept (the
 * longest silent goes first). Read-only queries are not kept: deciding one again changes nothing.
 *
 * <p><b>Deterministic.</b> Everything here follows from the log (its messages and their
 * timestamps), so every member that decides the same log keeps the same answers; the window is
 * part of the member's snapshot ({@link #write}, {@link #read}), so a member restarted from a
 * snapshot keeps them too. Each client's answers are a FIFO ring of reused buffers: after warm-up
 * remembering an answer allocates nothing.
 *
 * <p>Threading: confined to the clustered service's thread.
 */
final class AnswerWindow {
    static final int MAX_PER_CLIENT = 1 << 16;
    static final int MAX_CLIENTS = 4_096;
    static final long CLIENT_TTL_MS = 3_600_000;
    private static final long SWEEP_EVERY_MS = 60_000;
    private static final int FIRST_CAPACITY = 64;
    private static final Set<CommandType> QUERIES = EnumSet.of(CommandType.QUERY_GRANT,
        CommandType.QUERY_USER_GRANTS, CommandType.QUERY_CAMPAIGNS, CommandType.QUERY_BLOCKLIST,
        CommandType.QUERY_PENDING_DELIVERIES, CommandType.QUERY_ORDER, CommandType.QUERY_PENDING_REFUNDS,
        CommandType.QUERY_PARTNERS);

    private final Long2ObjectHashMap<Client> clients = new Long2ObjectHashMap<>();
    private long lastSweep;

    /** Whether an answer to this type of command is kept: everything but read-only queries. */
    static boolean keeps(CommandType type) {
        return !QUERIES.contains(type);
    }

    /**
     * A message of client {@code clientId} arrived at {@code time}: it has the answers of all its
     * commands below {@code answeredBelow}, which are forgotten. Forgets silent clients now and then.
     */
    void seen(long clientId, long answeredBelow, long time) {
        if (time - lastSweep >= SWEEP_EVERY_MS) {
            lastSweep = time;
            sweep(time);
        }
        Client c = clients.get(clientId);
        if (c == null) {
            if (clients.size() >= MAX_CLIENTS) {
                evictLongestSilent();
            }
            c = new Client();
            clients.put(clientId, c);
        }
        c.lastSeen = time;
        c.forgetBelow(answeredBelow);
    }

    /** Copies the answer kept for the command into {@code into} at 0; its length, or -1 when none is kept. */
    int answered(long clientId, long correlationId, MutableDirectBuffer into) {
        Client c = clients.get(clientId);
        return c == null ? -1 : c.copy(correlationId, into);
    }

    /** Keeps {@code length} bytes of {@code answer} as the answer to the command (after {@link #seen}). */
    void keep(long clientId, long correlationId, DirectBuffer answer, int length) {
        Client c = clients.get(clientId);
        if (c != null) {
            c.add(correlationId, answer, length);
        }
    }

    /** Answers kept, over every client. */
    int size() {
        int n = 0;
        for (Client c : clients.values()) {
            n += c.count;
        }
        return n;
    }

    /** Order-independent digest of what is kept: equal on members that decided the same log. */
    long digest() {
        long sum = 0;
        Long2ObjectHashMap<Client>.KeyIterator keys = clients.keySet().iterator();
        while (keys.hasNext()) {
            long id = keys.nextLong();
            Client c = clients.get(id);
            long h = Hashing.combine(id, c.lastSeen, c.count);
            for (int i = 0; i < c.count; i++) {
                int at = c.at(i);
                h = Hashing.combine(h, c.correlation[at], Hashing.hash(c.bytes[at], 0, c.length[at]));
            }
            sum += h;
        }
        return Hashing.combine(clients.size(), sum);
    }

    private void sweep(long time) {
        Long2ObjectHashMap<Client>.EntryIterator it = clients.entrySet().iterator();
        while (it.hasNext()) {
            it.next();
            if (time - it.getValue().lastSeen >= CLIENT_TTL_MS) {
                it.remove();
            }
        }
    }

    private void evictLongestSilent() {
        long victim = 0;
        long oldest = Long.MAX_VALUE;
        Long2ObjectHashMap<Client>.KeyIterator keys = clients.keySet().iterator();
        while (keys.hasNext()) {
            long id = keys.nextLong();
            long seen = clients.get(id).lastSeen;
            if (seen < oldest || (seen == oldest && id < victim)) { // ties by id: the same on every member
                oldest = seen;
                victim = id;
            }
        }
        clients.remove(victim);
    }

    // ---- snapshot ----------------------------------------------------------------------------

    /** Writes what is kept, clients in id order, each client's answers oldest first. */
    void write(DataOutput out) throws IOException {
        long[] ids = new long[clients.size()];
        int n = 0;
        Long2ObjectHashMap<Client>.KeyIterator keys = clients.keySet().iterator();
        while (keys.hasNext()) {
            ids[n++] = keys.nextLong();
        }
        Arrays.sort(ids);
        out.writeLong(lastSweep);
        out.writeInt(ids.length);
        for (long id : ids) {
            Client c = clients.get(id);
            out.writeLong(id);
            out.writeLong(c.lastSeen);
            out.writeInt(c.count);
            for (int i = 0; i < c.count; i++) {
                int at = c.at(i);
                out.writeLong(c.correlation[at]);
                out.writeInt(c.length[at]);
                out.write(c.bytes[at], 0, c.length[at]);
            }
        }
    }

    /** A window as {@link #write} left it. */
    static AnswerWindow read(DataInput in) throws IOException {
        AnswerWindow w = new AnswerWindow();
        w.lastSweep = in.readLong();
        int clients = in.readInt();
        ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
        for (int i = 0; i < clients; i++) {
            long id = in.readLong();
            Client c = new Client();
            c.lastSeen = in.readLong();
            int count = in.readInt();
            for (int k = 0; k < count; k++) {
                long correlation = in.readLong();
                int length = in.readInt();
                scratch.checkLimit(length);
                in.readFully(scratch.byteArray(), 0, length);
                c.add(correlation, scratch, length);
            }
            w.clients.put(id, c);
        }
        return w;
    }

    /** One client's answers: a FIFO ring in arrival order, indexed by correlation id. */
    private static final class Client {
        long lastSeen;
        long[] correlation = new long[FIRST_CAPACITY];
        int[] length = new int[FIRST_CAPACITY];
        byte[][] bytes = new byte[FIRST_CAPACITY][];
        /** Correlation id to its position in arrival order (a counter, not an index of the ring). */
        final Long2LongHashMap positions = new Long2LongHashMap(-1);
        /** Position of the oldest kept answer; it is at ring index {@code head & mask}. */
        long head;
        int count;

        int at(int i) {
            return (int) ((head + i) & (correlation.length - 1));
        }

        int copy(long correlationId, MutableDirectBuffer into) {
            long position = positions.get(correlationId);
            if (position < 0) {
                return -1;
            }
            int at = (int) (position & (correlation.length - 1));
            into.putBytes(0, bytes[at], 0, length[at]);
            return length[at];
        }

        void add(long correlationId, DirectBuffer answer, int n) {
            if (positions.containsKey(correlationId)) {
                return; // the first answer stays
            }
            if (count == correlation.length) {
                if (count < MAX_PER_CLIENT) {
                    grow();
                } else {
                    removeOldest();
                }
            }
            long position = head + count;
            int at = (int) (position & (correlation.length - 1));
            if (bytes[at] == null || bytes[at].length < n) {
                bytes[at] = new byte[Math.max(n, 64)];
            }
            answer.getBytes(0, bytes[at], 0, n);
            correlation[at] = correlationId;
            length[at] = n;
            positions.put(correlationId, position);
            count++;
        }

        /**
         * Forgets the oldest answers while they are below {@code answeredBelow} (the client has
         * them). Arrival order follows the client's own order closely; one that arrived out of
         * order goes when it is the oldest, or with the per-client bound.
         */
        void forgetBelow(long answeredBelow) {
            while (count > 0 && correlation[at(0)] < answeredBelow) {
                removeOldest();
            }
        }

        private void removeOldest() {
            positions.remove(correlation[at(0)]);
            head++;
            count--;
        }

        /** Twice the ring, the same positions: a position's index is its low bits under the new mask. */
        private void grow() {
            int capacity = correlation.length * 2;
            long[] c2 = new long[capacity];
            int[] l2 = new int[capacity];
            byte[][] b2 = new byte[capacity][];
            for (int i = 0; i < count; i++) {
                int from = at(i);
                int to = (int) ((head + i) & (capacity - 1));
                c2[to] = correlation[from];
                l2[to] = length[from];
                b2[to] = bytes[from];
            }
            correlation = c2;
            length = l2;
            bytes = b2;
        }
    }
}
