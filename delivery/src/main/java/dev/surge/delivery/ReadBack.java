package dev.surge.delivery;

import java.util.function.IntConsumer;

/**
 * When a dispatcher reads the engine's owed work back, page by page (docs/delivery.md, "Bounded,
 * and nothing lost"): it is {@linkplain #want wanted} at start, after a hand-off had no room, after
 * the engine refused a step, after an operator's re-drive; it starts only while the dispatcher
 * holds at most half of its {@code capacity}, and asks for the next page only once there is such
 * room again, so that a read-back never floods the dispatcher it is filling. A read-back wanted
 * while one runs starts over when that one ends (what it found may have changed behind the
 * cursor). How a page is asked for (the command, its size) is the dispatcher's
 * ({@code askPage}, given the cursor). Confined to the dispatcher thread.
 */
final class ReadBack {
    private final int capacity;
    private final IntConsumer askPage;
    private boolean wanted;
    private boolean running;
    private boolean waitingForRoom;
    private int cursor;

    ReadBack(int capacity, IntConsumer askPage) {
        this.capacity = capacity;
        this.askPage = askPage;
    }

    void want() {
        wanted = true;
    }

    /** Starts a read-back from the first page if one is wanted, none runs and there is room. */
    void poll(int jobs) {
        if (running || !wanted || jobs > capacity / 2) {
            return;
        }
        wanted = false;
        running = true;
        cursor = 0;
        askPage.accept(0);
    }

    /** A page was taken in; {@code nextCursor} is the engine's (-1: that was the last one). */
    void pageDone(int nextCursor, int jobs) {
        if (nextCursor < 0) {
            running = false;
            poll(jobs);
            return;
        }
        cursor = nextCursor;
        waitingForRoom = true;
        roomMaybe(jobs);
    }

    /** The engine answered no page (halted, or refused): this read-back is over. */
    void failed() {
        running = false;
    }

    /** A job ended: the next page if one waits for room, or a wanted read-back. */
    void roomMaybe(int jobs) {
        if (waitingForRoom && jobs <= capacity / 2) {
            waitingForRoom = false;
            askPage.accept(cursor);
        } else if (!running) {
            poll(jobs);
        }
    }
}
