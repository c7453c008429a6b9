package dev.surge.bench.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import dev.surge.gateway.auth.UserTokens;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The Authorization values ("Bearer &lt;token&gt;") of users u0 .. u(n-1), valid for a day, in ASCII,
 * minted once before the load starts. They live in one byte array and one offset array rather than
 * a million small arrays: the collector of the generator's JVM then has no large young live set to
 * copy. With an array per token, the first young collections of a run copied the freshly minted
 * tokens (tens of MB) from survivor space to survivor space and stopped the generator for 40-77 ms
 * each, which the open-model figures then counted as the server's latency.
 */
public final class BearerTokens implements OpenLoop.Tokens {
    private final byte[] bytes;
    /** Token i spans [start[i], start[i + 1]). */
    private final int[] start;

    private BearerTokens(byte[] bytes, int[] start) {
        this.bytes = bytes;
        this.start = start;
    }

    /** Mints {@code n} tokens signed with {@code secret}. */
    public static BearerTokens mint(String secret, int n) {
        long t = System.nanoTime();
        UserTokens tokens = new UserTokens(secret, new JsonFactory());
        long exp = Instant.now().getEpochSecond() + TimeUnit.DAYS.toSeconds(1);
        int[] start = new int[n + 1];
        byte[] bytes = new byte[Math.max(256, n * 200)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] bearer = ("Bearer " + tokens.mint("u" + i, exp)).getBytes(StandardCharsets.US_ASCII);
            if (at + bearer.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(at + bearer.length, bytes.length * 2));
            }
            System.arraycopy(bearer, 0, bytes, at, bearer.length);
            at += bearer.length;
            start[i + 1] = at;
        }
        System.out.printf("minted %,d user tokens in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
        return new BearerTokens(bytes, start);
    }

    /** How many users have a token. */
    public int users() {
        return start.length - 1;
    }

    @Override
    public int length(int user) {
        return start[user + 1] - start[user];
    }

    @Override
    public void write(int user, ByteBuf out) {
        out.writeBytes(bytes, start[user], length(user));
    }

    /** User i's value as a String (setup and files, not the request path). */
    public String bearer(int user) {
        return new String(bytes, start[user], length(user), StandardCharsets.US_ASCII);
    }
}
