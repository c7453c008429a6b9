package dev.surge.engine;

import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.IpBlock;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskRules;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A scripted attack for risk tests: a bot with one device, {@link #BOT_USERS} user tokens and
 * five addresses in one /24 clicks twice per token against a {@link #STOCK}-code campaign, while
 * {@link #HONEST} users (each with their own device and /24) claim once; halfway through, the
 * operator blocklists the bot's device. Driven through {@link EngineDriver}, seeded, so the same
 * seed gives the same events.
 */
public final class RiskWorkload {
    public static final int STOCK = 1000;
    public static final int BOT_USERS = 300;
    public static final int HONEST = 500;
    public static final String CAMPAIGN = "launch";
    public static final String BOT_DEVICE = "bot-device-1";
    /** At most this many grants can the bot get: its one device takes at most this many accounts. */
    public static final int BOT_ALLOWANCE = 3;

    /** What the run produced. */
    public record Outcome(EngineDriver driver, int botGrants, int honestGrants, Map<String, Integer> botResults) {
    }

    private RiskWorkload() {
    }

    /** The campaign: one CODE SKU "card", one per user, and sensible rules. */
    public static CampaignSpec campaign() {
        CampaignSpec spec = EngineDriver.campaign(CAMPAIGN, 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        spec.risk = rules();
        return spec;
    }

    public static RiskRules rules() {
        RiskRules r = new RiskRules();
        r.perUser = new RiskRules.Velocity(2, 60);
        r.perDevice = new RiskRules.Velocity(5, 600);
        r.perIp = new RiskRules.Velocity(20, 600);
        r.perIpPrefix = new RiskRules.Velocity(40, 600);
        r.maxAccountsPerDevice = BOT_ALLOWANCE;
        return r;
    }

    public static byte[] botIp(int i) {
        return new byte[] {(byte) 203, 0, 113, (byte) (1 + i % 5)};
    }

    public static byte[] honestIp(int i) {
        return new byte[] {10, (byte) (i / 250), (byte) (i % 250), 9};
    }

    public static Outcome run(long seed) {
        return run(seed, EngineDriver.keyOf(seed));
    }

    /** Under the state config of a data directory the test recovers afterwards. */
    public static Outcome run(long seed, dev.surge.engine.state.StateConfig config) {
        EngineDriver d = new EngineDriver(seed, config);
        SplittableRandom rnd = new SplittableRandom(seed);
        check(d.upsert(campaign()));
        check(d.load(CAMPAIGN, "card", EngineDriver.codes("LAUNCH", STOCK)));
        int bot = 0;
        int honest = 0;
        int botGrants = 0;
        int honestGrants = 0;
        Map<String, Integer> botResults = new LinkedHashMap<>();
        boolean blocked = false;
        while (bot < BOT_USERS * 2 || honest < HONEST) {
            d.now += rnd.nextInt(40);
            if (!blocked && bot >= BOT_USERS) {
                BlocklistChange change = new BlocklistChange();
                change.mode = BlocklistChange.Mode.ADD;
                change.devices.add(BOT_DEVICE);
                change.ips.add(IpBlock.of(new byte[] {(byte) 198, 51, 100, 0}, 24));
                check(d.blocklist(change));
                blocked = true;
            }
            boolean botTurn = honest >= HONEST || (bot < BOT_USERS * 2 && rnd.nextInt(5) < 3);
            if (botTurn) {
                int user = bot / 2; // each token clicks twice in a row
                ReplyView r = d.claim("bot-" + user, "k" + bot, CAMPAIGN, "card", BOT_DEVICE, botIp(bot), "");
                botResults.merge(r.result == ResultCode.RISK_REJECTED ? RiskReason.nameOf(r.reason) : r.result.name(),
                    1, Integer::sum);
                if (r.result == ResultCode.GRANTED) {
                    botGrants++;
                }
                bot++;
            } else {
                ReplyView r = d.claim("human-" + honest, "k", CAMPAIGN, "card", "phone-" + honest, honestIp(honest), "");
                if (r.result == ResultCode.GRANTED) {
                    honestGrants++;
                }
                honest++;
            }
        }
        return new Outcome(d, botGrants, honestGrants, botResults);
    }

    private static void check(ReplyView r) {
        if (r.result != ResultCode.OK) {
            throw new AssertionError("expected OK, engine answered " + r.result + " " + r.message);
        }
    }
}
