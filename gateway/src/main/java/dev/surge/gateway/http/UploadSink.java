package dev.surge.gateway.http;

import io.netty.buffer.ByteBuf;

/**
 * Receives a streamed request body piece by piece (the code upload route), on the connection's
 * event loop. It may pause the connection's reading ({@link HttpConnection#pauseUpload}) while it
 * waits for the engine, and answers its {@link Exchange} once the body is consumed or has failed.
 */
public interface UploadSink {
    /** A piece of the body; the sink must retain it if it keeps it past this call. */
    void onContent(ByteBuf content);

    /** The body is complete. */
    void onEnd();

    /** The connection closed before the answer: let go of everything. */
    void onAbort();
}
