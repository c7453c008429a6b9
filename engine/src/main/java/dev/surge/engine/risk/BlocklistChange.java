package dev.surge.engine.risk;

import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One change to the blocklist as the operator asks for it (admin path: a plain object): add
 * entries, remove them, or replace the whole list. The same layout is the command and the
 * BLOCKLIST_CHANGED event, so replay repeats the change exactly:
 * <pre>
 * mode:1, userCount:4, user * userCount, deviceCount:4, device * deviceCount,
 * ipCount:4, (address:16 as a string, prefix:1) * ipCount
 * </pre>
 */
public final class BlocklistChange {
    /** The most entries one change may carry, over all three lists. */
    public static final int MAX_ENTRIES_PER_CHANGE = 100_000;
    public static final int MAX_ID_BYTES = 256;

    /** What the change does; wire values are stable. */
    public enum Mode {
        /** Adds the entries (entries already there are kept once). */
        ADD(0),
        /** Removes the entries (entries not there are ignored). */
        REMOVE(1),
        /** The lists become exactly the entries given (an absent list becomes empty). */
        REPLACE(2);

        private static final Mode[] BY_CODE = new Mode[8];

        static {
            for (Mode m : values()) {
                BY_CODE[m.code] = m;
            }
        }

        private final byte code;

        Mode(int code) {
            this.code = (byte) code;
        }

        /** The value journaled with the change: stable (the first release's ordinals), only append. */
        public byte code() {
            return code;
        }

        /** The mode with this wire code, or null for an unknown code. */
        public static Mode of(int code) {
            return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        }
    }

    public Mode mode = Mode.REPLACE;
    public final List<String> users = new ArrayList<>();
    public final List<String> devices = new ArrayList<>();
    public final List<IpBlock> ips = new ArrayList<>();

    public int entries() {
        return users.size() + devices.size() + ips.size();
    }

    /** Returns null when valid, else "field: what is wrong" (fields as in the admin API). */
    public String validate() {
        if (mode == null) {
            return "mode: one of add, remove, replace";
        }
        if (entries() > MAX_ENTRIES_PER_CHANGE) {
            return "users: at most " + MAX_ENTRIES_PER_CHANGE + " entries per change, over users, devices and ips"
                + " (send larger lists as several changes with mode add)";
        }
        String e = ids("users", users);
        if (e == null) {
            e = ids("devices", devices);
        }
        if (e != null) {
            return e;
        }
        for (int i = 0; i < ips.size(); i++) {
            IpBlock b = ips.get(i);
            if (b == null || !b.hostBitsClear()) {
                return "ips[" + i + "]: not an address block with its host bits clear";
            }
        }
        return null;
    }

    private static String ids(String field, List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            int n = id == null ? 0 : id.getBytes(StandardCharsets.UTF_8).length;
            if (n < 1 || n > MAX_ID_BYTES) {
                return field + "[" + i + "]: must be 1-" + MAX_ID_BYTES + " bytes";
            }
        }
        return null;
    }

    public void writeTo(WireWriter w) {
        w.putByte(mode.code());
        w.putInt(users.size());
        for (String u : users) {
            w.putString(u);
        }
        w.putInt(devices.size());
        for (String d : devices) {
            w.putString(d);
        }
        w.putInt(ips.size());
        byte[] address = new byte[16];
        for (IpBlock b : ips) {
            for (int i = 0; i < 8; i++) {
                address[i] = (byte) (b.hi() >>> (56 - 8 * i));
                address[8 + i] = (byte) (b.lo() >>> (56 - 8 * i));
            }
            w.putBytes(address, 0, 16).putByte(b.prefix());
        }
    }

    /** Reads a change; throws IllegalArgumentException when the bytes are not one. */
    public static BlocklistChange readFrom(WireReader r) {
        BlocklistChange c = new BlocklistChange();
        c.mode = Mode.of(r.getByte());
        if (c.mode == null) {
            throw new IllegalArgumentException("unknown blocklist mode");
        }
        strings(r, c.users);
        strings(r, c.devices);
        int n = count(r, 19);
        for (int i = 0; i < n; i++) {
            if (r.bytes() != 16) {
                throw new IllegalArgumentException("a blocked address is 16 bytes");
            }
            int at = r.lastOffset();
            long hi = r.buffer().getLong(at, java.nio.ByteOrder.BIG_ENDIAN);
            long lo = r.buffer().getLong(at + 8, java.nio.ByteOrder.BIG_ENDIAN);
            c.ips.add(new IpBlock(hi, lo, r.getByte() & 0xFF));
        }
        return c;
    }

    private static void strings(WireReader r, List<String> into) {
        int n = count(r, 2);
        for (int i = 0; i < n; i++) {
            into.add(r.string());
        }
    }

    /** A count that the remaining bytes could hold, at {@code minBytes} an entry. */
    private static int count(WireReader r, int minBytes) {
        int n = r.getInt();
        if (n < 0 || (long) n * minBytes > r.remaining()) {
            throw new IllegalArgumentException("blocklist count " + n + " exceeds the bytes left");
        }
        return n;
    }
}
