package dev.surge.gateway.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.engine.risk.RiskSubject;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * User identity: HS256 JSON Web Tokens signed with {@code SURGE_USER_TOKEN_SECRET}. {@code sub}
 * (1-64 characters, no control characters) is the user id and {@code exp} (seconds) is
 * required; {@code iat} (seconds), when present, goes into claims for the risk rules' minimum
 * token age; any other {@code alg}, {@code none} included, is refused. The signature is checked
 * in constant time before the payload is even parsed.
 *
 * <p>Threading: thread-safe; each thread gets its own {@link Mac} and buffers.
 */
public final class UserTokens {
    public static final int MAX_TOKEN_LENGTH = 4096;
    public static final int MAX_SUBJECT_LENGTH = 64;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII);

    /** The header nearly every token carries, base64url: recognised as text, not decoded and parsed per request. */
    private static final String COMMON_HEADER = Base64.getUrlEncoder().withoutPadding().encodeToString(HEADER);
    private static final byte[] COMMON_HEADER_BYTES = COMMON_HEADER.getBytes(StandardCharsets.US_ASCII);
    private static final int SIGNATURE_BYTES = 32;
    /** An HS256 signature in unpadded base64url. */
    private static final int SIGNATURE_CHARS = 43;
    /** The value of each base64url character, -1 for any other ASCII character. */
    private static final byte[] BASE64URL = new byte[128];

    static {
        Arrays.fill(BASE64URL, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64URL[alphabet.charAt(i)] = (byte) i;
        }
    }

    private final SecretKeySpec key;
    private final JsonFactory json;
    private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            try {
                Mac mac = Mac.getInstance(HMAC);
                mac.init(key);
                return new Scratch(mac);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
    };

    /** A thread's {@link Mac} and buffers for {@link #verify}; confined to the thread. */
    private static final class Scratch {
        final Mac mac;
        final byte[] input = new byte[MAX_TOKEN_LENGTH];
        final byte[] payload = new byte[MAX_TOKEN_LENGTH];
        final byte[] signature = new byte[SIGNATURE_BYTES];
        final byte[] expected = new byte[SIGNATURE_BYTES];
        final TokenClaims claims = new TokenClaims();

        Scratch(Mac mac) {
            this.mac = mac;
        }
    }

    /**
     * Outcome of a check: the user id and when the token was issued (epoch ms, or
     * {@link RiskSubject#NO_ISSUED_AT} without {@code iat}), or why not (for the 401 message).
     */
    public record Verdict(String user, String failure, long issuedAt) {
        public boolean ok() {
            return user != null;
        }
    }

    public UserTokens(String secret, JsonFactory json) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
        this.json = json;
    }

    /** Checks a bare token (no "Bearer ") at {@code nowMillis}. */
    public Verdict verify(String token, long nowMillis) {
        if (token == null || token.isEmpty()) {
            return fail("missing bearer token");
        }
        return verify(token, 0, token.length(), nowMillis);
    }

    /**
     * Checks the token {@code text[from, to)} (not empty) without a String per part: the thread's
     * {@link Mac} over the token's own bytes, base64url decoded into the thread's buffers, the
     * claims read by {@link TokenClaims}. A token of another shape (another header, padding,
     * characters outside base64url, claims beyond the common shape) goes through
     * {@link #reference}, so the answer is always the one it gives.
     */
    public Verdict verify(CharSequence text, int from, int to, long nowMillis) {
        int length = to - from;
        if (length > MAX_TOKEN_LENGTH) {
            return fail("token too long");
        }
        Scratch s = scratch.get();
        byte[] in = s.input;
        int dot1 = -1;
        int dot2 = -1;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(from + i);
            if (c == '.') {
                if (dot1 < 0) {
                    dot1 = i;
                } else if (dot2 < 0) {
                    dot2 = i;
                } else {
                    return reference(text, from, to, nowMillis);
                }
            } else if (c >= 128 || BASE64URL[c] < 0) {
                return reference(text, from, to, nowMillis);
            }
            in[i] = (byte) c;
        }
        int payloadLength = dot2 - dot1 - 1;
        int signatureLength = length - dot2 - 1;
        if (dot1 != COMMON_HEADER.length() || dot2 < 0 || signatureLength != SIGNATURE_CHARS
            || payloadLength % 4 == 1 || !Arrays.equals(in, 0, dot1, COMMON_HEADER_BYTES, 0, dot1)) {
            return reference(text, from, to, nowMillis);
        }
        int payloadBytes = decode(in, dot1 + 1, dot2, s.payload);
        decode(in, dot2 + 1, length, s.signature);
        Mac mac = s.mac;
        mac.update(in, 0, dot2);
        try {
            mac.doFinal(s.expected, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(s.expected, s.signature)) {
            return fail("bad token signature");
        }
        TokenClaims c = s.claims;
        return switch (c.scan(s.payload, payloadBytes)) {
            case TokenClaims.READ -> judge(c.subOffset < 0 ? null
                    : new String(s.payload, c.subOffset, c.subLength, StandardCharsets.US_ASCII),
                c.exp, c.nbf, c.iat, nowMillis);
            case TokenClaims.WRONG_TYPE -> fail(c.failure);
            default -> claims(Arrays.copyOf(s.payload, payloadBytes), nowMillis);
        };
    }

    /** Decodes unpadded base64url {@code in[from, to)} (known to hold only its alphabet) into {@code out}; returns the length. */
    private static int decode(byte[] in, int from, int to, byte[] out) {
        int n = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            int bits = BASE64URL[in[i]] << 18 | BASE64URL[in[i + 1]] << 12 | BASE64URL[in[i + 2]] << 6 | BASE64URL[in[i + 3]];
            out[n++] = (byte) (bits >> 16);
            out[n++] = (byte) (bits >> 8);
            out[n++] = (byte) bits;
        }
        int left = to - i;
        if (left >= 2) {
            int bits = BASE64URL[in[i]] << 18 | BASE64URL[in[i + 1]] << 12 | (left == 3 ? BASE64URL[in[i + 2]] << 6 : 0);
            out[n++] = (byte) (bits >> 16);
            if (left == 3) {
                out[n++] = (byte) (bits >> 8);
            }
        }
        return n;
    }

    private Verdict reference(CharSequence text, int from, int to, long nowMillis) {
        return reference(text.subSequence(from, to).toString(), nowMillis);
    }

    /**
     * The general reading of a token, with a String per part and Jackson's parser: what
     * {@link #verify} does for every token not of the common shape, and what tests compare it with.
     */
    Verdict reference(String token, long nowMillis) {
        if (token == null || token.isEmpty()) {
            return fail("missing bearer token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return fail("token too long");
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0 || dot2 == token.length() - 1) {
            return fail("not a signed JWT");
        }
        boolean commonHeader = dot1 == COMMON_HEADER.length() && token.startsWith(COMMON_HEADER);
        byte[] header = null;
        byte[] payload;
        byte[] signature;
        try {
            Base64.Decoder d = Base64.getUrlDecoder();
            if (!commonHeader) {
                header = d.decode(token.substring(0, dot1));
            }
            payload = d.decode(token.substring(dot1 + 1, dot2));
            signature = d.decode(token.substring(dot2 + 1));
        } catch (IllegalArgumentException e) {
            return fail("token is not base64url");
        }
        if (!commonHeader && !"HS256".equals(algorithm(header))) {
            return fail("token alg must be HS256");
        }
        Mac mac = scratch.get().mac;
        byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = mac.doFinal(signingInput);
        if (!MessageDigest.isEqual(expected, signature)) {
            return fail("bad token signature");
        }
        return claims(payload, nowMillis);
    }

    /** The {@code alg} of a JOSE header, or null if it is not a header we accept. */
    private String algorithm(byte[] header) {
        String alg = null;
        try (JsonParser p = json.createParser(header)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("alg")) {
                    if (t != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    alg = p.getText();
                } else if (name.equals("crit")) {
                    return null; // no extensions understood
                } else {
                    p.skipChildren();
                }
            }
            return p.nextToken() == null ? alg : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Verdict claims(byte[] payload, long nowMillis) {
        String sub = null;
        long exp = Long.MIN_VALUE;
        long nbf = Long.MIN_VALUE;
        long iat = Long.MIN_VALUE;
        try (JsonParser p = json.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fail("token payload is not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "sub" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return fail("token sub must be a string");
                        }
                        sub = p.getText();
                    }
                    case "exp" -> {
                        if (!t.isNumeric()) {
                            return fail("token exp must be a number");
                        }
                        exp = p.getValueAsLong();
                    }
                    case "nbf" -> {
                        if (!t.isNumeric()) {
                            return fail("token nbf must be a number");
                        }
                        nbf = p.getValueAsLong();
                    }
                    case "iat" -> {
                        if (!t.isNumeric()) {
                            return fail("token iat must be a number");
                        }
                        iat = p.getValueAsLong();
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return fail("token payload is not JSON");
        }
        return judge(sub, exp, nbf, iat, nowMillis);
    }

    /** The verdict on claims read (Long.MIN_VALUE: absent). */
    private static Verdict judge(String sub, long exp, long nbf, long iat, long nowMillis) {
        if (!validSubject(sub)) {
            return fail("token sub must be 1-" + MAX_SUBJECT_LENGTH + " characters");
        }
        if (exp == Long.MIN_VALUE) {
            return fail("token has no exp");
        }
        if (nowMillis >= exp * 1000) {
            return fail("token expired");
        }
        if (nbf != Long.MIN_VALUE && nowMillis < nbf * 1000) {
            return fail("token not yet valid");
        }
        if (iat != Long.MIN_VALUE && (iat < 0 || iat > Long.MAX_VALUE / 1000)) {
            return fail("token iat out of range");
        }
        return new Verdict(sub, null, iat == Long.MIN_VALUE ? RiskSubject.NO_ISSUED_AT : iat * 1000);
    }

    static boolean validSubject(String sub) {
        if (sub == null || sub.isEmpty() || sub.length() > MAX_SUBJECT_LENGTH) {
            return false;
        }
        for (int i = 0; i < sub.length(); i++) {
            if (Character.isISOControl(sub.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static Verdict fail(String why) {
        return new Verdict(null, why, RiskSubject.NO_ISSUED_AT);
    }

    /** Signs a token for {@code sub} expiring at {@code expEpochSeconds} (demo, tests, tools). */
    public String mint(String sub, long expEpochSeconds) {
        return mint(sub, expEpochSeconds, Long.MIN_VALUE);
    }

    /** Signs a token issued at {@code iatEpochSeconds} (Long.MIN_VALUE: no iat). */
    public String mint(String sub, long expEpochSeconds, long iatEpochSeconds) {
        StringBuilder payload = new StringBuilder("{\"sub\":\"");
        for (int i = 0; i < sub.length(); i++) {
            char c = sub.charAt(i);
            if (c == '"' || c == '\\') {
                payload.append('\\');
            }
            payload.append(c);
        }
        payload.append("\",\"exp\":").append(expEpochSeconds);
        if (iatEpochSeconds != Long.MIN_VALUE) {
            payload.append(",\"iat\":").append(iatEpochSeconds);
        }
        payload.append('}');
        return signRaw(HEADER, payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Signs any header and payload as given: tests use it to forge tokens the server must refuse. */
    public String signRaw(byte[] header, byte[] payload) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        String input = e.encodeToString(header) + "." + e.encodeToString(payload);
        byte[] sig = scratch.get().mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + e.encodeToString(sig);
    }
}
