package dev.surge.bench.loadgen;

/**
 * What share of requests are new claims, redemptions of an earlier grant, and exact repeats of an
 * earlier claim (same user, Idempotency-Key and body, so the server answers from its idempotency
 * record). Parsed from {@code claims=90,redeems=5,repeats=5}; shares are relative weights.
 */
public record Mix(int claims, int redeems, int repeats) {
    public Mix {
        if (claims < 0 || redeems < 0 || repeats < 0 || claims + redeems + repeats == 0) {
            throw new IllegalArgumentException("mix weights must be >= 0 and not all 0");
        }
    }

    public static Mix parse(String text) {
        int claims = 0;
        int redeems = 0;
        int repeats = 0;
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("mix '" + text + "': expected name=weight, e.g. claims=90,redeems=5,repeats=5");
            }
            int weight = Integer.parseInt(kv[1].trim());
            switch (kv[0].trim()) {
                case "claims" -> claims = weight;
                case "redeems" -> redeems = weight;
                case "repeats" -> repeats = weight;
                default -> throw new IllegalArgumentException("mix: unknown kind '" + kv[0] + "' (claims, redeems, repeats)");
            }
        }
        return new Mix(claims, redeems, repeats);
    }

    int total() {
        return claims + redeems + repeats;
    }

    @Override
    public String toString() {
        return "claims=" + claims + ",redeems=" + redeems + ",repeats=" + repeats;
    }
}
