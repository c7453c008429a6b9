package dev.surge.gateway.engine;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A command published by the process itself (demo setup, tools, tests) rather than for an HTTP
 * request: its answer completes a future. Never used on an event loop's hot path.
 */
public final class DirectCall implements RingCall {
    /** What came back: the result, whether it was journaled, and the reply's message (INVALID). */
    public record Answer(ResultCode result, boolean journaled, String message, Object answer) {
    }

    private final BiConsumer<Publisher, CommandSlot> writer;
    private final CompletableFuture<Answer> future = new CompletableFuture<>();

    private DirectCall(BiConsumer<Publisher, CommandSlot> writer) {
        this.writer = writer;
    }

    /** Publishes (retrying briefly while the ring is full) and returns the future answer. */
    public static CompletableFuture<Answer> send(Engine engine, BiConsumer<Publisher, CommandSlot> writer) {
        DirectCall call = new DirectCall(writer);
        long giveUp = System.nanoTime() + 5_000_000_000L;
        while (!engine.publish(call)) {
            if (System.nanoTime() > giveUp) {
                call.future.completeExceptionally(new IllegalStateException("ring full"));
                break;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return call.future;
    }

    /** Publishes once, never waiting: null when the ring is full (the caller tries again later). */
    public static CompletableFuture<Answer> trySend(Engine engine,
                                                    BiConsumer<Publisher, CommandSlot> writer) {
        DirectCall call = new DirectCall(writer);
        return engine.publish(call) ? call.future : null;
    }

    @Override
    public void writeCommand(Publisher publisher, CommandSlot slot) {
        writer.accept(publisher, slot);
    }

    @Override
    public void onReply(CommandSlot slot, ReplyView view) {
        String message = "";
        ResultCode result = slot.result;
        if (result != ResultCode.UNAVAILABLE && slot.replyLength > 0) {
            view.read(slot.type, slot.reply, slot.replyLength);
            message = view.message;
            result = view.result;
        }
        future.complete(new Answer(result, slot.journaled, message, slot.answer));
    }
}
