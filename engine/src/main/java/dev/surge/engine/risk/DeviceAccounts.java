package dev.surge.engine.risk;

import dev.surge.engine.util.Hashing;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

/**
 * Which users each device has claimed as, per campaign, for the accounts-per-device rule: the
 * number of distinct users per (campaign, device) key, and the (key, user) pairs seen. A device
 * takes at most its campaign's limit of users (a user beyond it is refused and not added), so
 * this holds at most K pairs per device: about 12 bytes a pair and 25 a device (Agrona's
 * primitive tables at their 0.65 load factor). It lives as long as the campaign, like the
 * per-user grant counts. Confined to the writer thread.
 */
public final class DeviceAccounts {
    private final Long2LongHashMap users = new Long2LongHashMap(0);
    private final LongHashSet pairs = new LongHashSet();

    /** Distinct users seen on this device key. */
    public int users(long deviceKey) {
        return (int) users.get(deviceKey);
    }

    /** Whether this user was already seen on this device key. */
    public boolean knows(long deviceKey, long user) {
        return pairs.contains(Hashing.combine(deviceKey, user));
    }

    public void add(long deviceKey, long user) {
        if (pairs.add(Hashing.combine(deviceKey, user))) {
            users.put(deviceKey, users.get(deviceKey) + 1);
        }
    }

    public int devices() {
        return users.size();
    }

    public int pairs() {
        return pairs.size();
    }

    long digest() {
        long d = Hashing.combine(users.size(), pairs.size());
        var it = users.entrySet().iterator();
        while (it.hasNext()) {
            it.next();
            d += Hashing.combine(it.getLongKey(), it.getLongValue());
        }
        var p = pairs.iterator();
        long sum = 0;
        while (p.hasNext()) {
            sum += Hashing.mix(p.nextValue());
        }
        return Hashing.combine(d, sum);
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(users.size());
        var it = users.entrySet().iterator();
        while (it.hasNext()) {
            it.next();
            out.writeLong(it.getLongKey());
            out.writeLong(it.getLongValue());
        }
        out.writeInt(pairs.size());
        var p = pairs.iterator();
        while (p.hasNext()) {
            out.writeLong(p.nextValue());
        }
    }

    void read(DataInput in) throws IOException {
        int devices = in.readInt();
        for (int i = 0; i < devices; i++) {
            users.put(in.readLong(), in.readLong());
        }
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            pairs.add(in.readLong());
        }
    }
}
