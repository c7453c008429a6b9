package dev.surge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Test helper: HTTP/1.1 over a plain socket, for what HttpClient will not do (pipelining, slow bytes). */
public final class RawHttp implements AutoCloseable {
    public final Socket socket;
    public final InputStream in;
    public final OutputStream out;

    /** One parsed response. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A response's status and headers (names in lower case), before its body. */
    public record Head(int status, Map<String, String> headers) {
    }

    public RawHttp(int port, int readTimeoutMs) throws IOException {
        this(new Socket("127.0.0.1", port), readTimeoutMs);
    }

    /** Over a socket already connected (from a chosen local address, say). */
    public RawHttp(Socket socket, int readTimeoutMs) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(readTimeoutMs);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Reads one response (Content-Length bodies only, which is all the server sends but streams). */
    public Response read() throws IOException {
        Head head = readHead();
        return head == null ? null : new Response(head.status(), head.headers(), readBody(head));
    }

    /** Reads a response's status line and headers; null at the end of the stream. */
    public Head readHead() throws IOException {
        String status = line();
        if (status == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while (!(h = line()).isEmpty()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(status.split(" ")[1]), headers);
    }

    /** Reads the Content-Length body that follows {@code head}. */
    public String readBody(Head head) throws IOException {
        int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** True when the server has closed the connection (end of stream). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /** One line without its CRLF (or LF); null at the end of the stream. */
    public String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    public static String request(String method, String path, String body, String... headers) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (body != null) {
            b.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        b.append("\r\n");
        if (body != null) {
            b.append(body);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
