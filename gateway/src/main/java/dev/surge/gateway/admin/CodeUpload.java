package dev.surge.gateway.admin;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.NoAnswer;
import dev.surge.gateway.engine.Publisher;
import dev.surge.gateway.engine.RingCall;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.http.UploadSink;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /admin/campaigns/{id}/skus/{sku}/codes}: a text/plain body, one code a line,
 * streamed into LOAD_CODES commands of {@code codeBatch} codes each (fewer when the command
 * would be longer than the engine takes: a cluster's message, docs/cluster.md). Only one batch is held at a
 * time: while it is in the ring the connection stops reading, so a million-code upload never
 * holds a million codes. Blank lines are skipped; surrounding spaces, tabs and CR are trimmed; a
 * code is 1-128 bytes of UTF-8 without control characters. The answer sums the batches:
 * {@code {"loaded","duplicatesSkipped","available"}}. A failure part-way leaves the earlier
 * batches loaded (and journaled), and says how many.
 *
 * <p>Threading: confined to the connection's event loop, except {@link Batch#onReply} (reply
 * thread), which only copies numbers and hands back.
 */
final class CodeUpload implements UploadSink {
    static final int MAX_CODE_BYTES = 128;
    private static final int MAX_RAW_LINE = 1024;
    private static final long RING_FULL_RETRY_MS = 2;
    private static final long RING_FULL_GIVE_UP_MS = 5000;

    private final Exchange x;
    private final ServerContext server;
    private final String campaign;
    private final String sku;
    /** The codes' validity (epoch ms), Long.MAX_VALUE for none. */
    private final long validUntil;
    private final int batchSize;
    private final int commandOverhead;
    private final ArrayDeque<ByteBuf> input = new ArrayDeque<>();
    private final byte[] line = new byte[MAX_RAW_LINE];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int lineLength;
    private boolean lineTooLong;
    private long lineNumber;
    private List<String> batch = new ArrayList<>();
    /** The LOAD_CODES command the batch makes, in bytes (a cluster takes commands up to a size). */
    private long batchBytes;
    private int batchesSent;
    private long loaded;
    private long skipped;
    private long available;
    private boolean bodyEnded;
    private boolean lastLineDone;
    private boolean waiting;
    private boolean finished;
    private boolean aborted;
    private long firstRefusalNanos;

    CodeUpload(Exchange x, ServerContext server, String campaign, String sku, long validUntil) {
        this.x = x;
        this.server = server;
        this.campaign = campaign;
        this.sku = sku;
        this.validUntil = validUntil;
        this.batchSize = server.codeBatch;
        // campaign and SKU (length-prefixed), the count, the validity
        this.commandOverhead = 4 + campaign.getBytes(StandardCharsets.UTF_8).length
            + sku.getBytes(StandardCharsets.UTF_8).length + 4 + 8;
    }

    @Override
    public void onContent(ByteBuf content) {
        if (finished || aborted) {
            return;
        }
        input.add(content.retain());
        drain();
    }

    @Override
    public void onEnd() {
        bodyEnded = true;
        if (!finished && !aborted) {
            drain();
        }
    }

    @Override
    public void onAbort() {
        aborted = true;
        releaseInput();
        if (!waiting) {
            x.abandon();
        }
    }

    private void drain() {
        while (!waiting && !finished) {
            ByteBuf b = input.peek();
            if (b == null) {
                break;
            }
            scan(b);
            if (!b.isReadable()) {
                input.poll().release();
            }
        }
        if (finished) {
            return;
        }
        if (!waiting && input.isEmpty() && bodyEnded) {
            if (!lastLineDone) {
                lastLineDone = true;
                if (lineLength > 0 || lineTooLong) {
                    endLine();
                }
            }
            if (!finished && !waiting) {
                if (!batch.isEmpty() || batchesSent == 0) {
                    send();
                } else {
                    succeed();
                }
            }
        }
        x.connection().pauseUpload(waiting && !finished);
    }

    private void scan(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        while (i < end && !waiting && !finished) {
            byte c = b.getByte(i++);
            if (c == '\n') {
                endLine();
            } else if (lineLength < MAX_RAW_LINE) {
                line[lineLength++] = c;
            } else {
                lineTooLong = true;
            }
        }
        b.readerIndex(i);
    }

    private void endLine() {
        lineNumber++;
        int start = 0;
        int end = lineLength;
        boolean tooLong = lineTooLong;
        lineLength = 0;
        lineTooLong = false;
        if (lineNumber == 1 && end >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            start = 3; // a UTF-8 byte order mark
        }
        while (start < end && (line[start] == ' ' || line[start] == '\t')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) {
            end--;
        }
        if (tooLong || end - start > MAX_CODE_BYTES) {
            fail(ErrorCode.INVALID_FIELD, "codes: line " + lineNumber + " is longer than " + MAX_CODE_BYTES + " bytes");
            return;
        }
        if (start == end) {
            return; // blank line
        }
        for (int i = start; i < end; i++) {
            int c = line[i] & 0xFF;
            if (c < 0x20 || c == 0x7F) {
                fail(ErrorCode.INVALID_FIELD, "codes: line " + lineNumber + " contains a control character");
                return;
            }
        }
        String code;
        try {
            code = utf8.decode(ByteBuffer.wrap(line, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            fail(ErrorCode.INVALID_FIELD, "codes: line " + lineNumber + " is not valid UTF-8");
            return;
        }
        int bytes = 2 + end - start; // as the command holds it: a length, then the UTF-8 bytes
        if (!batch.isEmpty() && batchBytes + bytes > maxBatchBytes()) {
            send(); // the command would be too long for the engine: this code opens the next batch
        }
        batch.add(code);
        batchBytes += bytes;
        if (batch.size() >= batchSize) {
            send();
        }
    }

    /** What the codes of one batch may take: the engine's longest command less the rest of LOAD_CODES. */
    private long maxBatchBytes() {
        Engine engine = server.engine();
        return engine == null ? Long.MAX_VALUE : (long) engine.maxCommandBytes() - commandOverhead;
    }

    private void send() {
        Batch call = new Batch(this, batch);
        batch = new ArrayList<>(Math.min(batchSize, 1024));
        batchBytes = 0;
        waiting = true;
        publish(call);
    }

    private void publish(Batch call) {
        if (aborted) {
            waiting = false;
            x.abandon();
            return;
        }
        Engine engine = server.engine();
        if (engine == null || engine.halted()) {
            fail(ErrorCode.UNAVAILABLE, "the engine is not taking commands");
            return;
        }
        if (engine.publish(call)) {
            firstRefusalNanos = 0;
            return;
        }
        long now = System.nanoTime();
        if (firstRefusalNanos == 0) {
            firstRefusalNanos = now;
        }
        if (now - firstRefusalNanos > TimeUnit.MILLISECONDS.toNanos(RING_FULL_GIVE_UP_MS)) {
            server.metrics.overloaded();
            fail(ErrorCode.OVERLOADED, "the engine is saturated; retry the upload (codes already loaded are skipped)");
            return;
        }
        // the ring is full for a moment: an upload can wait, so try again shortly
        x.eventLoop().schedule(() -> publish(call), RING_FULL_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /** On the event loop: one batch's answer. */
    private void onBatch(ResultCode result, boolean journaled, int batchLoaded, int batchSkipped, long batchAvailable,
                         String message) {
        waiting = false;
        batchesSent++;
        if (aborted) {
            x.abandon();
            return;
        }
        if (result == ResultCode.UNAVAILABLE || !journaled) {
            fail(ErrorCode.UNAVAILABLE, message != null ? message
                : "the engine has halted; restart to recover from the journal");
            return;
        }
        switch (result) {
            case OK -> {
                loaded += batchLoaded;
                skipped += batchSkipped;
                available = batchAvailable;
                server.metrics.codesLoaded(batchLoaded);
                drain();
            }
            case UNKNOWN_CAMPAIGN -> fail(ErrorCode.NOT_FOUND, "campaign " + campaign + " not found", "id");
            case UNKNOWN_SKU -> fail(ErrorCode.NOT_FOUND, "SKU " + sku + " not found in " + campaign, "sku");
            default -> {
                String field = dev.surge.gateway.json.BadRequest.fieldOf(message);
                fail(ErrorCode.INVALID_FIELD, message, field == null ? "codes" : field);
            }
        }
    }

    private void succeed() {
        finished = true;
        x.connection().pauseUpload(false);
        x.respond(Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeNumberField("loaded", loaded);
            g.writeNumberField("duplicatesSkipped", skipped);
            g.writeNumberField("available", available);
            g.writeEndObject();
        }));
    }

    private void fail(ErrorCode code, String message) {
        fail(code, message, "codes");
    }

    private void fail(ErrorCode code, String message, String field) {
        finished = true;
        releaseInput();
        batch = List.of();
        String m = loaded > 0 || skipped > 0
            ? message + " (before this, " + loaded + " codes were loaded and " + skipped + " duplicates skipped)"
            : message;
        FullHttpResponse r = Responses.error(x.alloc(), code, m, field);
        x.connection().pauseUpload(false);
        if (bodyEnded) {
            x.respond(r);
        } else {
            x.respondAndClose(r); // the rest of the body is not worth reading
        }
    }

    private void releaseInput() {
        ByteBuf b;
        while ((b = input.poll()) != null) {
            b.release();
        }
    }

    /** One LOAD_CODES command; its reply goes back to the upload on its event loop. */
    private static final class Batch implements RingCall, Runnable {
        private final CodeUpload upload;
        private final List<String> codes;
        private ResultCode result;
        private boolean journaled;
        private int loaded;
        private int skipped;
        private long available;
        private String message;

        Batch(CodeUpload upload, List<String> codes) {
            this.upload = upload;
            this.codes = codes;
        }

        @Override
        public void writeCommand(Publisher p, CommandSlot slot) {
            p.writer.loadCodes(slot, p.now(), upload.campaign, upload.sku, codes, upload.validUntil);
        }

        @Override
        public void onReply(CommandSlot slot, ReplyView view) {
            journaled = slot.journaled;
            result = slot.result;
            if (slot.answer instanceof NoAnswer no) {
                message = no.message(); // the cluster could not answer (docs/cluster.md)
            } else if (result != ResultCode.UNAVAILABLE) {
                view.read(slot.type, slot.reply, slot.replyLength);
                result = view.result;
                loaded = view.loaded;
                skipped = view.duplicatesSkipped;
                available = view.available;
                message = view.message;
            }
            try {
                upload.x.eventLoop().execute(this);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: nobody is waiting any more
            }
        }

        @Override
        public void run() {
            upload.onBatch(result, journaled, loaded, skipped, available, message);
        }
    }
}
