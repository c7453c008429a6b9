package dev.surge.delivery;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs may name a supplier. The dispatcher POSTs recharges (user ids, accounts) to a
 * supplier's URL from inside the operator's network, so an admin token alone must not be able to
 * point it at the cloud's metadata service (instance credentials) or carry a password into the
 * journal and logs:
 * <ul>
 *   <li>no user info ({@code user:password@host}, {@code user@host}): requests to a supplier are
 *       signed with its secret instead, and a password in a URL ends up in journals and logs;</li>
 *   <li>a host that is all digits in its last label must be a plain IPv4 address {@code a.b.c.d}
 *       (the JDK reads {@code http://2852039166/} as 169.254.169.254);</li>
 *   <li>unless {@code --allow-link-local-suppliers}: no link-local or cloud metadata address,
 *       as a literal (IPv4 169.254.0.0/16, IPv6 fe80::/10, fd00:ec2::254, and the IPv4-mapped,
 *       IPv4-compatible and NAT64 64:ff9b::/96 forms of the IPv4 ones) or as a well-known
 *       metadata host name ({@link #METADATA_HOSTS}).</li>
 * </ul>
 * Loopback and private addresses stay allowed (a supplier on the same host or network is
 * normal; the simulator and tests use 127.0.0.1). {@link #problem} only parses, never looks a
 * name up (it runs on an event loop, and an answer then says nothing about the answer at send
 * time); the dispatcher checks what a name resolves to when it connects ({@link GuardedResolver}).
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class SupplierUrls {
    /** Host names of cloud metadata services (GCP, AWS); compared lower-case, without a trailing dot. */
    static final Set<String> METADATA_HOSTS = Set.of("metadata", "metadata.google.internal", "metadata.goog",
        "instance-data", "instance-data.ec2.internal");
    static final String ALLOW_FLAG = "--allow-link-local-suppliers";
    /** fd00:ec2::254, the IPv6 address of the EC2 instance metadata service. */
    private static final byte[] AWS_IPV6_METADATA = NetUtil.createByteArrayFromIpAddressString("fd00:ec2::254");

    private SupplierUrls() {
    }

    /**
     * Why {@code url} may not name a supplier, or null when it may. The reason never repeats the
     * URL (it may hold a password).
     */
    public static String problem(String url, boolean allowLinkLocal) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not hold a user name or password (user:password@host): requests to a supplier are signed "
                + "with its secret instead";
        }
        String host = uri.getHost();
        if (host == null) {
            return "an http:// or https:// URL with a host";
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        byte[] literal = literal(host);
        if (literal == null && host.indexOf(':') >= 0) {
            return "not an IPv6 address";
        }
        if (literal == null && lastLabelIsNumeric(host)) {
            return "a numeric host must be an IPv4 address written a.b.c.d";
        }
        if (allowLinkLocal) {
            return null;
        }
        if (literal != null && linkLocalOrMetadata(literal)) {
            return "a link-local or cloud metadata address (the cloud's instance credentials live there); "
                + ALLOW_FLAG + " allows it";
        }
        if (METADATA_HOSTS.contains(host)) {
            return "a cloud metadata host name; " + ALLOW_FLAG + " allows it";
        }
        return null;
    }

    /**
     * The address a literal host names, or null when it is a name. IPv4 only as a.b.c.d; IPv6
     * parsed by the JDK in brackets, which never looks anything up (and gives 4 bytes for an
     * IPv4-mapped address).
     */
    private static byte[] literal(String host) {
        if (host.indexOf(':') < 0) {
            return NetUtil.isValidIpV4Address(host) ? NetUtil.createByteArrayFromIpAddressString(host) : null;
        }
        try {
            return InetAddress.getByName("[" + host + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether a resolved address is link-local or a cloud metadata address (see the class comment). */
    static boolean linkLocalOrMetadata(InetAddress address) {
        return linkLocalOrMetadata(address.getAddress());
    }

    /** The same for a raw address of 4 or 16 bytes. */
    static boolean linkLocalOrMetadata(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xFF) == 169 && (a[1] & 0xFF) == 254;
        }
        if (a.length != 16) {
            return false;
        }
        if ((a[0] & 0xFF) == 0xFE && (a[1] & 0xC0) == 0x80) {
            return true; // fe80::/10
        }
        if (Arrays.equals(a, AWS_IPV6_METADATA)) {
            return true;
        }
        if (embedsIpv4(a)) {
            return linkLocalOrMetadata(new byte[] {a[12], a[13], a[14], a[15]});
        }
        return false;
    }

    /** ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible) and 64:ff9b::a.b.c.d (NAT64) carry an IPv4 address. */
    private static boolean embedsIpv4(byte[] a) {
        boolean zeroTo10 = true;
        for (int i = 0; i < 10; i++) {
            zeroTo10 &= a[i] == 0;
        }
        if (zeroTo10 && ((a[10] == 0 && a[11] == 0) || ((a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF))) {
            return true;
        }
        boolean nat64 = a[0] == 0 && a[1] == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = a[i] == 0;
        }
        return nat64;
    }

    /** A valid host name never ends in an all-digit label (no top-level domain is numeric). */
    private static boolean lastLabelIsNumeric(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        for (int i = 0; i < last.length(); i++) {
            if (last.charAt(i) < '0' || last.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
