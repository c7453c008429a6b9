package dev.surge.engine.risk;

import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.Identities;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.ToLongFunction;
import org.agrona.collections.Long2LongHashMap;

/**
 * The users, devices and address blocks refused on every campaign. Lookups on the claim path
 * use the ids' keyed hashes (as all engine state does, see {@link Identities}) and a {@link CidrSet},
 * and allocate nothing; the ids themselves are kept in the order they were added, for the
 * admin listing and snapshots. Changed only by applying a BLOCKLIST_CHANGED event. Confined to
 * the writer thread.
 */
public final class Blocklist {
    /** The most entries each of the three lists may hold. */
    public static final int MAX_ENTRIES = 1_000_000;

    private final Ids users;
    private final Ids devices;
    private final LinkedHashSet<IpBlock> ips = new LinkedHashSet<>();
    private final CidrSet blocks = new CidrSet();

    /** The lists' sizes, e.g. after a change. */
    public record Sizes(int users, int devices, int ips) {
    }

    /** The whole list, for the admin API and tools. */
    public record Entries(List<String> users, List<String> devices, List<String> ips) {
    }

    Blocklist(Identities identities) {
        users = new Ids(identities::user);
        devices = new Ids(identities::device);
    }

    public boolean isEmpty() {
        return users.size() == 0 && devices.size() == 0 && blocks.size() == 0;
    }

    public boolean blocksUser(long userHash) {
        return users.contains(userHash);
    }

    public boolean blocksDevice(long deviceHash) {
        return devices.contains(deviceHash);
    }

    public boolean blocksAddress(long hi, long lo) {
        return blocks.size() > 0 && blocks.contains(hi, lo);
    }

    public Sizes sizes() {
        return new Sizes(users.size(), devices.size(), ips.size());
    }

    public Entries entries() {
        List<String> ipText = new ArrayList<>(ips.size());
        for (IpBlock b : ips) {
            ipText.add(b.toString());
        }
        return new Entries(List.copyOf(users.ordered), List.copyOf(devices.ordered), ipText);
    }

    /** Null when the change may be applied, else "field: why not" (read-only). */
    String refusal(BlocklistChange change) {
        String e = change.validate();
        if (e != null) {
            return e;
        }
        boolean replace = change.mode == BlocklistChange.Mode.REPLACE;
        boolean add = change.mode == BlocklistChange.Mode.ADD;
        if ((replace || add) && (replace ? 0 : users.size()) + change.users.size() > MAX_ENTRIES) {
            return "users: the blocklist holds at most " + MAX_ENTRIES + " users";
        }
        if ((replace || add) && (replace ? 0 : devices.size()) + change.devices.size() > MAX_ENTRIES) {
            return "devices: the blocklist holds at most " + MAX_ENTRIES + " devices";
        }
        if ((replace || add) && (replace ? 0 : ips.size()) + change.ips.size() > MAX_ENTRIES) {
            return "ips: the blocklist holds at most " + MAX_ENTRIES + " address blocks";
        }
        return null;
    }

    void apply(BlocklistChange change) {
        switch (change.mode) {
            case REPLACE -> {
                users.clear();
                devices.clear();
                ips.clear();
                blocks.clear();
                addAll(change);
            }
            case ADD -> addAll(change);
            case REMOVE -> {
                change.users.forEach(users::remove);
                change.devices.forEach(devices::remove);
                for (IpBlock b : change.ips) {
                    if (ips.remove(b)) {
                        blocks.remove(b.hi(), b.lo(), b.prefix());
                    }
                }
            }
            default -> throw new IllegalStateException("mode " + change.mode);
        }
    }

    private void addAll(BlocklistChange change) {
        change.users.forEach(users::add);
        change.devices.forEach(devices::add);
        for (IpBlock b : change.ips) {
            if (ips.add(b)) {
                blocks.add(b.hi(), b.lo(), b.prefix());
            }
        }
    }

    long digest() {
        long d = Hashing.combine(users.digest(), devices.digest());
        long sum = ips.size();
        for (IpBlock b : ips) {
            sum += Hashing.combine(b.hi(), b.lo(), b.prefix());
        }
        return Hashing.combine(d, sum);
    }

    void write(DataOutput out) throws IOException {
        users.write(out);
        devices.write(out);
        out.writeInt(ips.size());
        for (IpBlock b : ips) {
            out.writeLong(b.hi());
            out.writeLong(b.lo());
            out.writeByte(b.prefix());
        }
    }

    void read(DataInput in) throws IOException {
        users.read(in);
        devices.read(in);
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            IpBlock b = new IpBlock(in.readLong(), in.readLong(), in.readUnsignedByte());
            if (!b.hostBitsClear()) {
                throw new IOException("snapshot holds a malformed address block " + b);
            }
            ips.add(b);
            blocks.add(b.hi(), b.lo(), b.prefix());
        }
    }

    /** Ids in the order added, and a count per id hash for the claim path's lookups. */
    private static final class Ids {
        final LinkedHashSet<String> ordered = new LinkedHashSet<>();
        private final Long2LongHashMap hashes = new Long2LongHashMap(0);
        /** The same keyed hash the claim path computes over the id's UTF-8 bytes. */
        private final ToLongFunction<String> hasher;

        Ids(ToLongFunction<String> hasher) {
            this.hasher = hasher;
        }

        int size() {
            return ordered.size();
        }

        boolean contains(long hash) {
            return hashes.size() > 0 && hashes.get(hash) > 0;
        }

        void add(String id) {
            if (ordered.add(id)) {
                long h = hash(id);
                hashes.put(h, hashes.get(h) + 1);
            }
        }

        void remove(String id) {
            if (ordered.remove(id)) {
                long h = hash(id);
                long n = hashes.get(h) - 1;
                if (n == 0) {
                    hashes.remove(h);
                } else {
                    hashes.put(h, n);
                }
            }
        }

        void clear() {
            ordered.clear();
            hashes.clear();
        }

        long digest() {
            long sum = ordered.size();
            for (String id : ordered) {
                sum += hash(id);
            }
            return sum;
        }

        void write(DataOutput out) throws IOException {
            out.writeInt(ordered.size());
            for (String id : ordered) {
                out.writeUTF(id);
            }
        }

        void read(DataInput in) throws IOException {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                add(in.readUTF());
            }
        }

        private long hash(String id) {
            return hasher.applyAsLong(id);
        }
    }
}
