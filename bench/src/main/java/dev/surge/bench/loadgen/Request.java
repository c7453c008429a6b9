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
    /** The JSON body's bytes (UTF-8), encoded once: a claim's is the same for every claim of a lane. */
    final byte[] body;

    Request(Kind kind, long intendedNanos, int user, String key, String path, byte[] body) {
        this.kind = kind;
        this.intendedNanos = intendedNanos;
        this.user = user;
        this.key = key;
        this.path = path;
        this.body = body;
    }
}
