package dev.surge.gateway.config;

/** The event loops' socket I/O (--transport): native epoll, io_uring, or the JDK's NIO; AUTO picks at start. */
public enum Transport {
    AUTO, EPOLL, IO_URING, NIO
}
