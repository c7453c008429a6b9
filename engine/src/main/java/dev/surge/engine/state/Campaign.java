package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import org.agrona.collections.IntArrayList;

/** One campaign's configuration, status and live counters. Confined to the writer thread. */
final class Campaign {
    final int index;
    final String id;
    /** {@link #id} in UTF-8, written into every grant's reply without encoding it again. */
    final byte[] idBytes;
    String name = "";
    long startsAt;
    long endsAt;
    long redeemUntil;
    int perUserLimit;
    int perDeviceLimit;
    int perIpLimit;
    CampaignStatus status = CampaignStatus.ACTIVE;
    final IntArrayList skus = new IntArrayList();

    long granted;
    long redeemed;
    /** Claims refused, by {@link ResultCode#code()}. */
    final long[] rejected = new long[128];
    long deliveriesPending;
    long deliveriesDelivered;
    long deliveriesFailed;
    // paid sales (docs/payments.md): orders by how they ended, refunds by where they are
    long ordersReserved;
    long ordersPaid;
    long ordersCancelled;
    long ordersExpired;
    long refundsRequired;
    long refundsDone;
    long refundsFailed;

    Campaign(int index, String id) {
        this.index = index;
        this.id = id;
        this.idBytes = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
