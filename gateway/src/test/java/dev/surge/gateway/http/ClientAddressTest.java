package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.gateway.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private final ClientAddress addresses = new ClientAddress(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));

    private String resolve(String peer, String... forwarded) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        for (String f : forwarded) {
            request.headers().add("X-Forwarded-For", f);
        }
        return ClientAddress.format(addresses.resolve(NetUtil.createByteArrayFromIpAddressString(peer),
            new NettyHead(request)));
    }

    @Test
    void firstUntrustedHopFromTheRight() {
        assertEquals("1.2.3.4", resolve("10.0.0.1", "1.2.3.4"));
        assertEquals("5.6.7.8", resolve("10.0.0.1", "1.2.3.4, 5.6.7.8"));
        assertEquals("5.6.7.8", resolve("10.0.0.1", "1.2.3.4, 5.6.7.8, 10.9.9.9"));
        assertEquals("5.6.7.8", resolve("10.0.0.1", "1.2.3.4", "5.6.7.8, 10.1.1.1"));
        assertEquals("10.3.3.3", resolve("10.0.0.1", "10.3.3.3, 10.2.2.2"), "all trusted: the leftmost");
        assertEquals("10.0.0.1", resolve("10.0.0.1"), "no header: the peer");
        assertEquals("10.0.0.1", resolve("10.0.0.1", "unknown"), "garbage: the last trusted hop");
        assertEquals("1.2.3.4", resolve("10.0.0.1", "1.2.3.4:5555"));
        assertEquals("2001:db8:0:0:0:0:0:1", resolve("fd00::1", "[2001:db8::1]:443"));
        assertEquals("192.168.1.1", resolve("192.168.1.1", "1.2.3.4"), "untrusted peer: header ignored");
    }

    @Test
    void cidrs() {
        Cidr c = Cidr.parse("192.168.0.0/23");
        assertEquals(true, c.contains(NetUtil.createByteArrayFromIpAddressString("192.168.1.255")));
        assertEquals(false, c.contains(NetUtil.createByteArrayFromIpAddressString("192.168.2.0")));
        assertEquals(true, Cidr.parse("0.0.0.0/0").contains(NetUtil.createByteArrayFromIpAddressString("8.8.8.8")));
        assertEquals(true, Cidr.parse("127.0.0.1").contains(NetUtil.createByteArrayFromIpAddressString("::ffff:127.0.0.1")));
    }
}
