package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.surge.gateway.config.Transport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportChoiceTest {
    @Test
    void autoPrefersIoUringThenEpollThenNio() {
        Transport expected = IoUring.isAvailable() ? Transport.IO_URING
            : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertEquals(expected, HttpServer.resolve(Transport.AUTO));
        assertEquals(Transport.NIO, HttpServer.resolve(Transport.NIO));
    }

    @Test
    void aNativeTransportAskedForMustLoad() {
        assumeFalse(IoUring.isAvailable(), "io_uring loads here");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HttpServer.resolve(Transport.IO_URING));
        assertEquals(true, e.getMessage().startsWith("--transport io_uring"), e.getMessage());
    }
}
