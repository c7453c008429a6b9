package dev.surge.bench.loadgen;

/** One request of the schedule: what to send and when it was meant to be sent. */
final class Request {
    enum Kind { CLAIM, REDEEM, REPEAT }

    final Kind kind;
    /** System.nanoTime() at which the schedule wanted it sent: latency is measured from here. */
    final long intendedNanos;
    final int user;
    final String key;
    final String path;
    final String body;

    Request(Kind kind, long intendedNanos, int user, String key, String path, String body) {
        this.kind = kind;
        this.intendedNanos = intendedNanos;
        this.user = user;
        this.key = key;
        this.path = path;
        this.body = body;
    }
}
