package dev.surge.simulator;

import dev.surge.engine.util.Ids;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * What a buyer does with an order (docs/payment-simulator.md): {@code POST /_sim/pay} or
 * {@link PaymentSimulator#pay}. Build one with {@link #onTime} and the {@code with} methods, or
 * {@link #parse} a body; {@link #check} refuses what no payment provider would send.
 *
 * @param provider  the provider name the notification is signed as ({@code X-Surge-Provider})
 * @param orderId   Surge's order id
 * @param amount    minor units, > 0
 * @param currency  3 upper-case letters
 * @param notifyUrl where the signed notification is POSTed (Surge's {@code /v1/payments/notify})
 * @param mode      when, and how often, the buyer pays
 * @param delayMs   ON_TIME and TWICE: pay this long after the request
 * @param payBy     the order's payBy (epoch ms), 0 when not given; required by LATE
 * @param lateByMs  LATE: pay this long after payBy
 * @param repeats   extra deliveries of each notification after Surge acknowledged it
 */
public record PayRequest(String provider, String orderId, long amount, String currency, URI notifyUrl, Mode mode,
                         long delayMs, long payBy, long lateByMs, int repeats) {
    /** When the buyer pays. */
    public enum Mode {
        /** Once, {@code delayMs} after the request (which must be before payBy when payBy is given). */
        ON_TIME,
        /** Twice, two transactions: the second once the first's notification is settled. */
        TWICE,
        /** Once, at payBy + lateByMs: after the order expired. */
        LATE,
        /** Never: the order is recorded and nothing is paid. */
        NEVER
    }

    static final long MAX_DELAY_MS = 86_400_000L;
    static final int MAX_REPEATS = 100;
    /** LATE's default lateness. */
    static final long DEFAULT_LATE_BY_MS = 1000;

    /** Paid once, at once. */
    public static PayRequest onTime(String provider, String orderId, long amount, String currency, String notifyUrl) {
        return new PayRequest(provider, orderId, amount, currency, URI.create(notifyUrl), Mode.ON_TIME, 0, 0,
            DEFAULT_LATE_BY_MS, 0);
    }

    public PayRequest withMode(Mode m) {
        return new PayRequest(provider, orderId, amount, currency, notifyUrl, m, delayMs, payBy, lateByMs, repeats);
    }

    public PayRequest withDelayMs(long ms) {
        return new PayRequest(provider, orderId, amount, currency, notifyUrl, mode, ms, payBy, lateByMs, repeats);
    }

    /** The order's payBy; with {@link Mode#LATE} the buyer pays {@code lateMs} after it. */
    public PayRequest withPayBy(long epochMs, long lateMs) {
        return new PayRequest(provider, orderId, amount, currency, notifyUrl, mode, delayMs, epochMs, lateMs, repeats);
    }

    public PayRequest withRepeats(int n) {
        return new PayRequest(provider, orderId, amount, currency, notifyUrl, mode, delayMs, payBy, lateByMs, n);
    }

    /** The body of {@code POST /_sim/pay}; IllegalArgumentException naming the field when it is not one. */
    static PayRequest parse(byte[] body) {
        FlatJson j = FlatJson.parse(body);
        String modeText = j.string("mode");
        Mode mode;
        try {
            mode = modeText == null ? Mode.ON_TIME : Mode.valueOf(modeText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode: must be ON_TIME, TWICE, LATE or NEVER");
        }
        URI url;
        try {
            url = new URI(j.requiredString("notifyUrl"));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("notifyUrl: not a URL");
        }
        return new PayRequest(j.requiredString("provider"), j.requiredString("orderId"),
            j.integer("amount", 0, Long.MIN_VALUE, Long.MAX_VALUE), j.string("currency"), url, mode,
            j.integer("delayMs", 0, 0, MAX_DELAY_MS), j.integer("payBy", 0, 0, Long.MAX_VALUE),
            j.integer("lateByMs", DEFAULT_LATE_BY_MS, 0, MAX_DELAY_MS), (int) j.integer("repeats", 0, 0, MAX_REPEATS));
    }

    /**
     * Refuses, naming the field, what a provider would never send or the simulator cannot do;
     * {@code now} is the wall clock (epoch ms). The notify URL's host is checked by the payer.
     */
    void check(long now) {
        require(Ids.isValid(provider), Ids.describe("provider"));
        require(Ids.isValid(orderId), Ids.describe("orderId"));
        require(amount > 0, "amount: required, an integer > 0 (minor units)");
        require(currency != null && currency.matches("[A-Z]{3}"), "currency: required, 3 upper-case letters");
        require(notifyUrl != null && "http".equalsIgnoreCase(notifyUrl.getScheme()) && notifyUrl.getHost() != null
            && notifyUrl.getRawUserInfo() == null && notifyUrl.getRawFragment() == null,
            "notifyUrl: must be http://host[:port]/path, without user info or fragment");
        require(mode != null, "mode: required");
        require(delayMs >= 0 && delayMs <= MAX_DELAY_MS, "delayMs: must be 0.." + MAX_DELAY_MS);
        require(lateByMs >= 0 && lateByMs <= MAX_DELAY_MS, "lateByMs: must be 0.." + MAX_DELAY_MS);
        require(repeats >= 0 && repeats <= MAX_REPEATS, "repeats: must be 0.." + MAX_REPEATS);
        require(payBy >= 0, "payBy: must be epoch milliseconds");
        if (mode == Mode.LATE) {
            require(payBy > 0, "payBy: required with mode LATE");
            require(payBy + lateByMs - now <= MAX_DELAY_MS, "payBy: LATE would pay more than 24 h from now");
        }
        if ((mode == Mode.ON_TIME || mode == Mode.TWICE) && payBy > 0) {
            // on time means on time: a test that wants a late payment says LATE
            require(now + delayMs < payBy, "delayMs: would pay at or after payBy; use mode LATE");
        }
    }

    /** When the first payment is due (epoch ms), for a request made at {@code now}; LATE ignores delayMs. */
    long firstDueAt(long now) {
        return mode == Mode.LATE ? payBy + lateByMs : now + delayMs;
    }

    /** Payments this request makes. */
    int payments() {
        return switch (mode) {
            case ON_TIME, LATE -> 1;
            case TWICE -> 2;
            case NEVER -> 0;
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
