package dev.surge.gateway.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/** A {@link RequestHead} over a request parsed by Netty's decoder. Immutable once made. */
final class NettyHead implements RequestHead {
    private final HttpRequest request;

    NettyHead(HttpRequest request) {
        this.request = request;
    }

    @Override
    public HttpMethod method() {
        return request.method();
    }

    @Override
    public String uri() {
        return request.uri();
    }

    @Override
    public boolean http10() {
        return request.protocolVersion() == HttpVersion.HTTP_1_0;
    }

    @Override
    public boolean keepAlive() {
        return HttpUtil.isKeepAlive(request);
    }

    @Override
    public String get(CharSequence name) {
        return request.headers().get(name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        return request.headers().getAll(name);
    }

    @Override
    public long contentLength() {
        return HttpUtil.getContentLength(request, -1L);
    }

    @Override
    public boolean expectsContinue() {
        return HttpUtil.is100ContinueExpected(request);
    }
}
