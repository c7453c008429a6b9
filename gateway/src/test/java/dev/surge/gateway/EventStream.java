package dev.surge.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Test helper: a server-sent event stream (GET, chunked response) over a plain socket, read one
 * event at a time. A refused stream has its status and error body instead.
 */
final class EventStream implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    /** The body of a refused (non-200) stream. */
    final String body;
    private final StringBuilder pending = new StringBuilder();

    /** One event: its type and its data. */
    record Event(String type, String data) {
    }

    EventStream(int port, String path, String cookie) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        status = Integer.parseInt(line().split(" ")[1]);
        String h;
        while (!(h = line()).isEmpty()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        if (status != 200) {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } else {
            body = null;
        }
    }

    /** The next event of this type (others are skipped); fails when none comes within 30 s. */
    Event next(String type) throws IOException {
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
    boolean endedByServer() throws IOException {
        try {
            while (true) {
                String size = line();
                if (size == null) {
                    return true;
                }
                if (!size.isEmpty()) {
                    in.readNBytes(Integer.parseInt(size.trim(), 16) + 2);
                }
            }
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String chunk() throws IOException {
        String size = line();
        if (size == null) {
            throw new IOException("stream ended");
        }
        int n = Integer.parseInt(size.trim(), 16);
        byte[] data = in.readNBytes(n);
        line(); // the CRLF after the chunk
        return new String(data, StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
