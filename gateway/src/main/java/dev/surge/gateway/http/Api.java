package dev.surge.gateway.http;

/**
 * What the routes do once a request has passed the header checks. Called on the connection's
 * event loop; must answer every exchange exactly once, now or later, and never block.
 */
public interface Api {
    /** A request with its whole body (possibly empty): {@code body[offset, offset+length)}, valid only during the call. */
    void handle(Exchange x, byte[] body, int offset, int length);

    /** A streamed request: the sink that takes its body, or null after answering it already. */
    UploadSink openUpload(Exchange x);
}
