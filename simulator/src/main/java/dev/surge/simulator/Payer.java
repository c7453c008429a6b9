package dev.surge.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.delivery.Signature;
import dev.surge.delivery.WireJson;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The buyer and the provider's notifier: makes the payments a {@link PayRequest} asks for, when it
 * asks, and delivers each one's signed notification like a real provider (docs/payments.md):
 * resent until a 2xx, after a doubling wait, at most {@code notifyAttempts} times; then
 * {@code repeats} more deliveries of the same notification to exercise Surge's dedup.
 *
 * <p>Threading: {@link #pay} from any thread. Each order is confined to one event loop of the
 * simulator's group, which makes its payments and handles their answers one after another.
 */
final class Payer {
    private final EventLoopGroup group;
    private final PaymentLedger ledger;
    private final PaymentSimulator.Knobs knobs;
    private final Function<String, String> secrets;
    private final Set<String> notifyHosts;
    private final LongSupplier clock;
    /** Transaction ids are unique across runs (a restarted simulator must not repeat one to a Surge that remembers). */
    private final String idPrefix;
    private final AtomicLong transactions = new AtomicLong();

    /**
     * {@code secrets}: a provider's secret, or null when it has none; {@code notifyHosts}: host
     * names (lower case) a notification may go to besides loopback, read at each pay request.
     */
    Payer(EventLoopGroup group, PaymentLedger ledger, PaymentSimulator.Knobs knobs, Function<String, String> secrets,
          Set<String> notifyHosts, LongSupplier clock) {
        this.group = group;
        this.ledger = ledger;
        this.knobs = knobs;
        this.secrets = secrets;
        this.notifyHosts = notifyHosts;
        this.clock = clock;
        this.idPrefix = "sim_" + Long.toString(clock.getAsLong(), 36) + "_";
    }

    /** Records the order and schedules its payments; IllegalArgumentException naming the field when refused. */
    PaymentSimulator.Order pay(PayRequest r) {
        if (group.isShuttingDown()) {
            throw new IllegalStateException("the payment simulator is closed");
        }
        long now = clock.getAsLong();
        r.check(now);
        checkHost(r.notifyUrl());
        String secret = secrets.apply(r.provider());
        if (secret == null) {
            throw new IllegalArgumentException("provider: the simulator has no secret for " + r.provider());
        }
        List<PaymentLedger.PaymentRecord> payments = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < r.payments(); i++) {
            String id = idPrefix + transactions.incrementAndGet();
            payments.add(new PaymentLedger.PaymentRecord(r, id, i == 0 ? r.firstDueAt(now) : 0));
            ids.add(id);
        }
        PaymentSimulator.Order order = new PaymentSimulator.Order(r.provider(), r.orderId(), r.amount(), r.currency(),
            r.mode(), now, r.payBy(), r.notifyUrl().toString(), List.copyOf(ids));
        EventLoop loop = group.next();
        Notification first = null;
        for (int i = payments.size() - 1; i >= 0; i--) {
            first = new Notification(loop, r, secret, payments.get(i), first);
        }
        ledger.order(order);
        payments.forEach(ledger::scheduled);
        if (first != null) {
            Notification n = first;
            later(loop, n::due, Math.max(0, n.payment.dueAt - now));
        }
        return order;
    }

    /** Loopback, by address or as {@code localhost}, or a host the operator allowed; never a name looked up here. */
    private void checkHost(URI url) {
        String host = url.getHost().toLowerCase(Locale.ROOT);
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (host.equals("localhost") || notifyHosts.contains(host) || notifyHosts.contains(bare)) {
            return;
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(bare);
        try {
            if (address != null && InetAddress.getByAddress(address).isLoopbackAddress()) {
                return;
            }
        } catch (UnknownHostException e) {
            // not an address after all: refused below
        }
        throw new IllegalArgumentException("notifyUrl: the simulator notifies loopback addresses and the hosts it "
            + "was started with (--allow-notify-host) only, not " + host);
    }

    /** Runs {@code task} on {@code loop} after {@code delayMs}; dropped when the simulator is closing. */
    private static void later(EventLoop loop, Runnable task, long delayMs) {
        try {
            loop.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: the payment stays as far as it got
        }
    }

    /** The wait before resend n+1 after n failed attempts: base, doubled each time, capped. No jitter: a provider keeps a schedule. */
    static long backoffMs(long baseMs, long maxMs, int failed) {
        int doublings = Math.max(0, Math.min(failed - 1, 40));
        long wait = baseMs << doublings;
        return wait < 0 || wait > maxMs ? maxMs : wait;
    }

    /** One payment and its notification's deliveries; confined to {@code loop}. */
    private final class Notification {
        final EventLoop loop;
        final PayRequest request;
        final PaymentLedger.PaymentRecord payment;
        final Notification next;
        final byte[] body;
        final String signature;
        int repeatsLeft;

        Notification(EventLoop loop, PayRequest request, String secret, PaymentLedger.PaymentRecord payment,
                     Notification next) {
            this.loop = loop;
            this.request = request;
            this.payment = payment;
            this.next = next;
            this.repeatsLeft = request.repeats();
            this.body = SimHttp.json(g -> {
                g.writeStartObject();
                g.writeStringField("transactionId", payment.transactionId);
                g.writeStringField("orderId", payment.orderId);
                g.writeNumberField("amount", payment.amount);
                g.writeStringField("currency", payment.currency);
                g.writeEndObject();
            }).getBytes(StandardCharsets.UTF_8);
            this.signature = new Signature(secret).sign(body);
        }

        /** The payment's time has come; the loop's timer may run early by the wall clock, so check it. */
        void due() {
            long now = clock.getAsLong();
            if (now < payment.dueAt) {
                later(loop, this::due, payment.dueAt - now);
                return;
            }
            ledger.paid(payment, now);
            send();
        }

        void send() {
            payment.attempts++;
            ledger.counts.notifications.increment();
            NotificationProxy.post(loop, request.notifyUrl(), payment.provider, signature, body, knobs.notifyTimeoutMs,
                this::answered);
        }

        void answered(NotificationProxy.Answer a) {
            payment.lastStatusCode = a.status();
            payment.lastStatus = a.status() > 0 ? at(a.body(), "status") : null;
            String code = a.status() > 0 ? at(a.body(), "error", "code") : null;
            payment.lastError = a.ok() ? null : a.status() > 0 ? "HTTP " + a.status() + (code == null ? "" : " " + code)
                : a.error();
            if (payment.state == PaymentLedger.State.ACKNOWLEDGED) {
                if (a.ok()) {
                    payment.acknowledgements++;
                }
                repeatOrSettle();
            } else if (a.ok()) {
                payment.state = PaymentLedger.State.ACKNOWLEDGED;
                payment.acknowledgements++;
                ledger.counts.acknowledged.increment();
                repeatOrSettle();
            } else if (payment.attempts < knobs.notifyAttempts) {
                later(loop, this::send, backoffMs(knobs.notifyBackoffMs, knobs.notifyBackoffMaxMs, payment.attempts));
            } else {
                payment.state = PaymentLedger.State.GAVE_UP;
                ledger.counts.gaveUp.increment();
                settled();
            }
        }

        private void repeatOrSettle() {
            if (repeatsLeft > 0) {
                repeatsLeft--;
                later(loop, this::send, knobs.notifyBackoffMs);
            } else {
                settled();
            }
        }

        /** Acknowledged (and repeated) or given up: a second payment of the order follows now. */
        private void settled() {
            if (next != null) {
                next.payment.dueAt = clock.getAsLong();
                next.due();
            }
        }
    }

    /** The string at {@code path} (field names, outside in) of a JSON answer, or null. */
    static String at(String body, String... path) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = WireJson.parser(b, 0, b.length)) {
            int depth = 0;
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = p.currentName().equals(path[depth]);
                JsonToken t = p.nextToken();
                if (wanted && depth == path.length - 1) {
                    return t == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                if (wanted && t == JsonToken.START_OBJECT) {
                    depth++; // go into it: the loop reads its fields
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
