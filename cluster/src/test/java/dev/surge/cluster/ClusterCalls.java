package dev.surge.cluster;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.util.GrantIds;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Commands to a cluster through one client, written as a gateway writes them (a {@link CommandWriter}
 * without an edge: the engine resolves claims by name). One per thread. The time written is 0:
 * the cluster stamps its own.
 */
final class ClusterCalls {
    private final ClusterEngineClient client;
    private final CommandWriter writer = new CommandWriter();
    private final CommandSlot slot = new CommandSlot();

    ClusterCalls(ClusterEngineClient client) {
        this.client = client;
    }

    /** A decoded answer: the view read from the reply bytes (empty when there were none). */
    record Reply(CommandType type, ClusterEngineClient.Answer answer, ReplyView view) {
        static Reply of(CommandType type, ClusterEngineClient.Answer answer) {
            ReplyView view = new ReplyView();
            if (answer.reply().length > 0) {
                view.read(type, new UnsafeBuffer(answer.reply()), answer.reply().length);
            }
            view.result = answer.result();
            return new Reply(type, answer, view);
        }

        String code() {
            return view.items.isEmpty() ? null : view.items.get(0).code();
        }
    }

    CompletableFuture<Reply> claimAsync(String user, String key, String campaign, String sku) {
        writer.claim(slot, 0, user, key, campaign, sku, "", null, "");
        return send();
    }

    Reply claim(String user, String key, String campaign, String sku) {
        return await(claimAsync(user, key, campaign, sku));
    }

    /** A claim with a recharge account (a DIRECT_RECHARGE SKU's). */
    CompletableFuture<Reply> claimAsync(String user, String key, String campaign, String sku, String account) {
        writer.claim(slot, 0, user, key, campaign, sku, "", null, account);
        return send();
    }

    Reply adjustStock(String campaign, String sku, long delta) {
        writer.adjustStock(slot, 0, campaign, sku, delta);
        return await(send());
    }

    Reply configureSupplier(String id, String url, String secret) {
        writer.configureSupplier(slot, 0, id, url, 2_000, 64, secret);
        return await(send());
    }

    Reply loadCodes(String campaign, String sku, List<String> codes) {
        writer.loadCodes(slot, 0, campaign, sku, codes);
        return await(send());
    }

    Reply upsert(CampaignSpec spec) {
        writer.upsertCampaign(slot, 0, spec);
        return await(send());
    }

    Reply status(String campaign, CampaignStatus status) {
        writer.setStatus(slot, 0, campaign, status);
        return await(send());
    }

    Reply queryOrder(String user, String orderId) {
        long[] id = new long[2];
        GrantIds.parseOrder(orderId, id);
        writer.queryOrder(slot, 0, user, id[0], (int) id[1]);
        return await(send());
    }

    Reply notifyPayment(String provider, String transaction, String orderId, long amount) {
        long[] id = new long[2];
        GrantIds.parseOrder(orderId, id);
        writer.notifyPayment(slot, 0, provider, transaction, id[0], (int) id[1], amount, "CNY");
        return await(send());
    }

    Reply queryGrant(String grantId) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.queryGrant(slot, 0, "", id[0], (int) id[1]);
        return await(send());
    }

    Reply redeem(String user, String key, String grantId) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.redeemGrant(slot, 0, user, key, id[0], (int) id[1]);
        return await(send());
    }

    /** The campaigns' counters: a rich answer, decoded from the bytes after the reply. */
    @SuppressWarnings("unchecked")
    List<CampaignCounters> campaigns() {
        writer.queryCampaigns(slot, 0, "");
        Reply r = await(send());
        if (r.view.result != ResultCode.FOUND) {
            throw new AssertionError("campaigns: " + r.view.result);
        }
        return (List<CampaignCounters>) r.answer.decoded();
    }

    /** A CODE campaign, active, with {@code codes} codes and a per-user limit. */
    void codeCampaign(String campaign, int perUserLimit, int codes) {
        CampaignSpec spec = EngineDriver.campaign(campaign, perUserLimit);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        writer.upsertCampaign(slot, 0, spec);
        await(send());
        List<String> list = EngineDriver.codes(campaign + "-", codes);
        writer.loadCodes(slot, 0, campaign, "card", list);
        Reply loaded = await(send());
        if (loaded.view.loaded != codes) {
            throw new AssertionError("loaded " + loaded.view.loaded + " codes of " + codes + ": " + loaded.view.result);
        }
        writer.setStatus(slot, 0, campaign, CampaignStatus.ACTIVE);
        await(send());
    }

    private CompletableFuture<Reply> send() {
        CommandType type = slot.type;
        return client.send(slot).thenApply(answer -> Reply.of(type, answer));
    }

    static Reply await(CompletableFuture<Reply> reply) {
        try {
            return reply.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer from the cluster", e);
        }
    }
}
