package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.SkuKind;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and reads the whole state as a stream. The layout is private to this class and
 * versioned by {@link #FORMAT}; derived indexes (ids, code index, user lists) are rebuilt on
 * read instead of stored. Runs on whichever single thread owns the state it is given.
 */
final class StateSnapshot {
    /**
     * 6: tables keyed by the data directory's identity key (its fingerprint follows the format),
     * grant owners and idempotency records as 128-bit identities, idempotency records with the
     * minute they were decided, and each redeemer key with its scope (the campaigns it may
     * redeem). Earlier formats (1-5) kept state under unkeyed hashes this version no longer
     * computes, or keys without scopes, so they are refused and recovery falls back to an older
     * snapshot or to the journal from its start.
     *
     * <p>7 (paid sales, docs/payments.md): at the end, {@link OrderSnapshot}: prices, held units,
     * order counters, orders and payments.
     *
     * <p>7 (the lifecycle of grants, docs/lifecycle.md): after each SKU's per-user limit its
     * {@code codeValidUntil}; after a pool's codes its runs of upload validity (count, then
     * (first code, validUntil) each); after each grant's account its lifecycle status. Users' grant
     * lists are still rebuilt (they are kept in grant order, also across transfers). A format 6
     * snapshot is refused like the ones before it: recovery replays the journal instead.
     *
     * <p>8 (one line per user, {@link UserBook}): before the grants, the users' lines in order,
     * 8 longs each; the subject table then holds only what the lines do not, and the
     * idempotency records only the keys that spilled. A format 7 snapshot is refused: recovery
     * replays the journal instead.
     */
    static final int FORMAT = 8;

    private StateSnapshot() {
    }

    static void write(EngineState s, DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeLong(s.identities.fingerprint());
        out.writeLong(s.lastSequence);
        out.writeLong(s.lastTimestamp);
        writeCampaigns(s, out);
        writeSkus(s, out);
        writeUsers(s.users, out);
        writeGrants(s.grants, out);
        writeSubjectsAndKeys(s, out);
        writeRedeemersSuppliersDeliveries(s, out);
        OrderSnapshot.write(s, out);
    }

    private static void writeCampaigns(EngineState s, DataOutput out) throws IOException {
        out.writeInt(s.campaignCount());
        for (int i = 0; i < s.campaignCount(); i++) {
            Campaign c = s.campaigns[i];
            out.writeUTF(c.id);
            out.writeUTF(c.name);
            out.writeLong(c.startsAt);
            out.writeLong(c.endsAt);
            out.writeLong(c.redeemUntil);
            out.writeInt(c.perUserLimit);
            out.writeInt(c.perDeviceLimit);
            out.writeInt(c.perIpLimit);
            out.writeByte(c.status.code());
            out.writeLong(c.granted);
            out.writeLong(c.redeemed);
            for (long r : c.rejected) {
                out.writeLong(r);
            }
            out.writeLong(c.deliveriesPending);
            out.writeLong(c.deliveriesDelivered);
            out.writeLong(c.deliveriesFailed);
        }
    }

    private static void writeSkus(EngineState s, DataOutput out) throws IOException {
        out.writeInt(s.skuCount());
        for (int i = 0; i < s.skuCount(); i++) {
            Sku k = s.skus[i];
            out.writeInt(k.campaign.index);
            out.writeUTF(k.id);
            out.writeByte(k.kind.code());
            out.writeLong(k.stock);
            out.writeLong(k.granted);
            out.writeInt(k.perUserLimit);
            out.writeLong(k.codeValidUntil);
            out.writeInt(k.suppliers.length);
            for (String sup : k.suppliers) {
                out.writeUTF(sup);
            }
            out.writeInt(k.itemSkus.length);
            for (int j = 0; j < k.itemSkus.length; j++) {
                out.writeInt(k.itemSkus[j]);
                out.writeInt(k.itemQty[j]);
            }
            if (k.pool != null) {
                CodePool p = k.pool;
                out.writeInt(p.size);
                out.writeInt(p.issued);
                out.writeLong(p.withdrawn);
                out.writeInt(p.arenaUsed());
                out.write(p.arena(), 0, p.arenaUsed());
                for (int c = 0; c < p.size; c++) {
                    out.writeInt(p.length(c));
                    out.writeInt(p.grantOf(c));
                }
                out.writeInt(p.runs());
                for (int r = 0; r < p.runs(); r++) {
                    out.writeInt(p.runFirst(r));
                    out.writeLong(p.runUntil(r));
                }
            }
        }
    }

    private static void writeUsers(UserBook users, DataOutput out) throws IOException {
        int count = users.lines.size();
        out.writeInt(count);
        long[] words = new long[UserLines.WORDS];
        for (int line = 0; line < count; line++) {
            users.words(line, words);
            for (long w : words) {
                out.writeLong(w);
            }
        }
    }

    private static void readUsers(UserBook users, DataInput in) throws IOException {
        int count = in.readInt();
        users.reserve(count);
        long[] words = new long[UserLines.WORDS];
        for (int i = 0; i < count; i++) {
            for (int w = 0; w < words.length; w++) {
                words[w] = in.readLong();
            }
            users.restore(words);
        }
    }

    private static void writeGrants(GrantBook g, DataOutput out) throws IOException {
        out.writeInt(g.size);
        for (int i = 0; i < g.size; i++) {
            out.writeLong(g.idHi[i]);
            out.writeInt(g.idLo[i]);
            out.writeLong(g.ownerHigh[i]);
            out.writeLong(g.ownerLow[i]);
            out.writeInt(g.sku[i]);
            out.writeLong(g.createdAt[i]);
            out.writeLong(g.redeemedAt[i]);
            out.writeInt(g.firstItem[i]);
            out.writeByte(g.itemCount[i]);
            out.writeInt(g.account[i]);
            out.writeByte(g.status[i]);
        }
        out.writeInt(g.items);
        for (int i = 0; i < g.items; i++) {
            out.writeInt(g.itemSku[i]);
            out.writeInt(g.itemCode[i]);
            out.writeByte(g.itemStatus[i]);
            out.writeByte(g.itemSupplier[i]);
        }
        g.accounts.writeTo(out);
    }

    private static void writeSubjectsAndKeys(EngineState s, DataOutput out) throws IOException {
        IOException[] failure = new IOException[1];
        out.writeInt(s.subjects.size());
        s.subjects.forEach((key, value) -> {
            try {
                out.writeLong(key);
                out.writeLong(value);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        out.writeInt(s.idempotency.liveCount(s.lastTimestamp));
        s.idempotency.forEach(s.lastTimestamp, (high, low, fingerprint, outcome) -> {
            try {
                out.writeLong(high);
                out.writeLong(low);
                out.writeLong(fingerprint);
                out.writeLong(outcome);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static void writeRedeemersSuppliersDeliveries(EngineState s, DataOutput out) throws IOException {
        out.writeInt(s.redeemers.keys.size());
        for (RedeemerKey k : s.redeemers.keys) {
            out.writeUTF(k.redeemer());
            out.writeInt(k.keyHash().length);
            out.write(k.keyHash());
            out.writeLong(k.createdAt());
            out.writeInt(k.campaigns().size());
            for (String campaign : k.campaigns()) {
                out.writeUTF(campaign);
            }
        }
        s.risk.write(out);
        out.writeInt(s.suppliers.suppliers.size());
        for (SupplierConfig c : s.suppliers.suppliers) {
            out.writeUTF(c.id());
            out.writeUTF(c.url());
            out.writeUTF(c.secret()); // snapshots are sealed as a whole (SnapshotStore)
            out.writeInt(c.timeoutMs());
            out.writeInt(c.maxConcurrency());
            out.writeLong(c.configuredAt());
        }
        DeliveryBook d = s.deliveries;
        out.writeInt(d.size);
        for (int i = 0; i < d.size; i++) {
            out.writeInt(d.attempts[i]);
            out.writeByte(d.outcome[i]);
            out.writeLong(d.lastAt[i]);
        }
    }

    static EngineState read(DataInput in, StateConfig config) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("snapshot format " + format + " is not supported (expected " + FORMAT
                + "; an older Surge wrote it)");
        }
        EngineState s = new EngineState(config);
        if (in.readLong() != s.identities.fingerprint()) {
            throw new IOException("snapshot was written under another identity key (another SURGE_CODE_KEY)");
        }
        s.lastSequence = in.readLong();
        s.lastTimestamp = in.readLong();
        readCampaigns(s, in);
        readSkus(s, in);
        readUsers(s.users, in);
        readGrants(s.grants, in);
        readSubjectsAndKeys(s, in);
        readRedeemersSuppliersDeliveries(s, in);
        OrderSnapshot.read(s, in);
        s.publishDirectory(); // with the campaigns' rules, wherever the snapshot keeps them
        return s;
    }

    private static void readCampaigns(EngineState s, DataInput in) throws IOException {
        int campaigns = in.readInt();
        for (int i = 0; i < campaigns; i++) {
            Campaign c = s.addCampaign(in.readUTF());
            c.name = in.readUTF();
            c.startsAt = in.readLong();
            c.endsAt = in.readLong();
            c.redeemUntil = in.readLong();
            c.perUserLimit = in.readInt();
            c.perDeviceLimit = in.readInt();
            c.perIpLimit = in.readInt();
            c.status = CampaignStatus.of(in.readByte());
            if (c.status == null) {
                throw new IOException("snapshot holds an unknown campaign status code (a newer Surge wrote it)");
            }
            c.granted = in.readLong();
            c.redeemed = in.readLong();
            for (int r = 0; r < c.rejected.length; r++) {
                c.rejected[r] = in.readLong();
            }
            c.deliveriesPending = in.readLong();
            c.deliveriesDelivered = in.readLong();
            c.deliveriesFailed = in.readLong();
        }
    }

    private static void readSkus(EngineState s, DataInput in) throws IOException {
        int skus = in.readInt();
        for (int i = 0; i < skus; i++) {
            Campaign c = s.campaigns[in.readInt()];
            String id = in.readUTF();
            SkuKind kind = SkuKind.of(in.readByte());
            if (kind == null) {
                throw new IOException("snapshot holds an unknown SKU kind code (a newer Surge wrote it)");
            }
            Sku k = s.addSku(c, id, kind);
            k.stock = in.readLong();
            k.granted = in.readLong();
            k.perUserLimit = in.readInt();
            k.codeValidUntil = in.readLong();
            k.suppliers = new String[in.readInt()];
            for (int j = 0; j < k.suppliers.length; j++) {
                k.suppliers[j] = in.readUTF();
            }
            int items = in.readInt();
            k.itemSkus = new int[items];
            k.itemQty = new int[items];
            for (int j = 0; j < items; j++) {
                k.itemSkus[j] = in.readInt();
                k.itemQty[j] = in.readInt();
            }
            if (k.pool != null) {
                CodePool p = k.pool;
                int size = in.readInt();
                int issued = in.readInt();
                p.withdrawn = in.readLong();
                byte[] arena = new byte[in.readInt()];
                in.readFully(arena);
                org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(arena);
                int at = 0;
                for (int code = 0; code < size; code++) {
                    int length = in.readInt();
                    int grant = in.readInt();
                    p.add(view, at, length);
                    at += length;
                    if (grant >= 0) {
                        p.issue(code, grant);
                    }
                }
                s.codes.addAll(k.index, 0, size);
                p.issued = issued;
                int runs = in.readInt();
                for (int r = 0; r < runs; r++) {
                    p.restoreRun(in.readInt(), in.readLong());
                }
            }
        }
    }

    private static void readGrants(GrantBook g, DataInput in) throws IOException {
        int grants = in.readInt();
        for (int i = 0; i < grants; i++) {
            long hi = in.readLong();
            int lo = in.readInt();
            long ownerHigh = in.readLong();
            long ownerLow = in.readLong();
            int sku = in.readInt();
            long created = in.readLong();
            int grant = g.add(hi, lo, ownerHigh, ownerLow, sku, created);
            g.redeemedAt[grant] = in.readLong();
            g.firstItem[grant] = in.readInt();
            g.itemCount[grant] = in.readByte();
            g.account[grant] = in.readInt();
            g.status[grant] = in.readByte();
        }
        int items = in.readInt();
        g.ensureItemCapacity(items);
        for (int i = 0; i < items; i++) {
            g.itemSku[i] = in.readInt();
            g.itemCode[i] = in.readInt();
            g.itemStatus[i] = in.readByte();
            g.itemSupplier[i] = in.readByte();
        }
        g.items = items;
        g.accounts.readFrom(in);
    }

    private static void readSubjectsAndKeys(EngineState s, DataInput in) throws IOException {
        int counts = in.readInt();
        s.subjects.reserve(counts);
        for (int i = 0; i < counts; i++) {
            s.subjects.put(in.readLong(), in.readLong());
        }
        int keys = in.readInt();
        for (int i = 0; i < keys; i++) {
            s.idempotency.restore(in.readLong(), in.readLong(), in.readLong(), in.readLong());
        }
    }

    private static void readRedeemersSuppliersDeliveries(EngineState s, DataInput in) throws IOException {
        int redeemers = in.readInt();
        for (int i = 0; i < redeemers; i++) {
            String redeemer = in.readUTF();
            byte[] hash = new byte[in.readInt()];
            in.readFully(hash);
            long createdAt = in.readLong();
            String[] scope = new String[in.readInt()];
            for (int c = 0; c < scope.length; c++) {
                scope[c] = in.readUTF();
            }
            s.redeemers.add(redeemer, hash, createdAt, java.util.List.of(scope));
        }
        s.risk.read(in);
        int suppliers = in.readInt();
        for (int i = 0; i < suppliers; i++) {
            s.suppliers.put(new SupplierConfig(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt(), in.readInt(),
                in.readLong()));
        }
        DeliveryBook d = s.deliveries;
        int recorded = in.readInt();
        d.ensure(recorded);
        for (int i = 0; i < recorded; i++) {
            d.attempts[i] = in.readInt();
            d.outcome[i] = in.readByte();
            d.lastAt[i] = in.readLong();
        }
    }
}
