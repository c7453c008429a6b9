package dev.surge.gateway.http;

import dev.surge.gateway.config.Cidr;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.util.List;

/**
 * Who the client is: the socket's peer, or, when that peer is a configured trusted proxy, the
 * first untrusted hop of {@code X-Forwarded-For} counted from the right (the hops to its left
 * were written by the client and prove nothing). Only IP literals are parsed; never DNS.
 * Thread-safe (immutable).
 */
public final class ClientAddress {
    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    private final List<Cidr> trusted;

    public ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The client's raw address (4 or 16 bytes), given the peer's and the request's head. */
    public byte[] resolve(byte[] peer, RequestHead head) {
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        return forwarded(peer, head.getAll(X_FORWARDED_FOR));
    }

    private byte[] forwarded(byte[] peer, List<String> values) {
        if (values.isEmpty()) {
            return peer;
        }
        byte[] client = peer;
        // header lines in order, then hops within each line; walk all of it from the right
        for (int v = values.size() - 1; v >= 0; v--) {
            String line = values.get(v);
            int end = line.length();
            while (end > 0) {
                int comma = line.lastIndexOf(',', end - 1);
                String hop = line.substring(comma + 1, end).trim();
                end = comma < 0 ? 0 : comma;
                if (hop.isEmpty()) {
                    continue;
                }
                byte[] address = parse(hop);
                if (address == null) {
                    return client; // garbage: trust nothing further left
                }
                if (!isTrusted(address)) {
                    return address;
                }
                client = address;
            }
        }
        return client;
    }

    /** An IP literal, optionally "[v6]:port" or "v4:port", as raw bytes; null if not one. */
    static byte[] parse(String hop) {
        String h = hop;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return null;
            }
            h = h.substring(1, close);
        } else if (h.indexOf(':') > 0 && h.indexOf(':') == h.lastIndexOf(':') && h.indexOf('.') > 0) {
            h = h.substring(0, h.indexOf(':')); // IPv4 with a port
        }
        return NetUtil.createByteArrayFromIpAddressString(h);
    }

    public static String format(byte[] address) {
        if (address == null) {
            return "";
        }
        try {
            return java.net.InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "";
        }
    }
}
