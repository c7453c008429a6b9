package dev.surge.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Test helper: a server-sent event stream (GET, chunked response) over a plain socket, read one
 * event at a time. A refused stream has its status and error body instead.
 */
public final class EventStream implements AutoCloseable {
    private final RawHttp http;
    public final int status;
    public final Map<String, String> headers;
    /** The body of a refused (non-200) stream. */
    public final String body;
    private final StringBuilder pending = new StringBuilder();

    /** One event: its type and its data. */
    public record Event(String type, String data) {
    }

    public EventStream(int port, String path, String cookie) throws IOException {
        http = new RawHttp(port, 30_000);
        http.write(cookie == null ? RawHttp.request("GET", path, null, "Accept", "text/event-stream")
            : RawHttp.request("GET", path, null, "Accept", "text/event-stream", "Cookie", cookie));
        RawHttp.Head head = http.readHead();
        status = head.status();
        headers = head.headers();
        body = status == 200 ? null : http.readBody(head);
    }

    /** The next event of this type (others are skipped); fails when none comes within 30 s. */
    public Event next(String type) throws IOException {
        while (true) {
            int end;
            while ((end = pending.indexOf("\n\n")) < 0) {
                pending.append(chunk());
            }
            String raw = pending.substring(0, end);
            pending.delete(0, end + 2);
            String eventType = "message";
            StringBuilder data = new StringBuilder();
            for (String l : raw.split("\n")) {
                if (l.startsWith("event: ")) {
                    eventType = l.substring(7);
                } else if (l.startsWith("data: ")) {
                    data.append(l.substring(6));
                }
            }
            if (eventType.equals(type)) {
                return new Event(eventType, data.toString());
            }
        }
    }

    /** Whether the server has ended the stream (end of input or a reset). */
    public boolean endedByServer() throws IOException {
        try {
            while (true) {
                String size = http.line();
                if (size == null) {
                    return true;
                }
                if (!size.isEmpty()) {
                    http.in.readNBytes(Integer.parseInt(size.trim(), 16) + 2);
                }
            }
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String chunk() throws IOException {
        String size = http.line();
        if (size == null) {
            throw new IOException("stream ended");
        }
        int n = Integer.parseInt(size.trim(), 16);
        byte[] data = http.in.readNBytes(n);
        http.line(); // the CRLF after the chunk
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
