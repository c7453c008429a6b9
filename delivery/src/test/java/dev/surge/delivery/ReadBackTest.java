package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a dispatcher reads owed work back from the engine: only when wanted, only with room, one page at a time. */
class ReadBackTest {
    private final List<Integer> asked = new ArrayList<>();
    private final ReadBack readBack = new ReadBack(100, asked::add);

    @Test
    void nothingUnlessWanted() {
        readBack.poll(0);
        readBack.roomMaybe(0);
        assertEquals(List.of(), asked);
    }

    @Test
    void startsOnlyWithRoomForHalfTheCapacity() {
        readBack.want();
        readBack.poll(51);
        assertEquals(List.of(), asked, "more than half full: later");
        readBack.poll(50);
        assertEquals(List.of(0), asked);
        readBack.poll(0);
        assertEquals(List.of(0), asked, "one read-back at a time");
    }

    @Test
    void theNextPageWaitsForRoom() {
        readBack.want();
        readBack.poll(0);
        readBack.pageDone(1024, 80);
        assertEquals(List.of(0), asked, "the page filled it: the next waits");
        readBack.roomMaybe(60);
        assertEquals(List.of(0), asked);
        readBack.roomMaybe(50);
        assertEquals(List.of(0, 1024), asked);
        readBack.pageDone(-1, 10);
        readBack.roomMaybe(0);
        assertEquals(List.of(0, 1024), asked, "the last page: done until wanted again");
    }

    @Test
    void wantedWhileRunningStartsOverAfterwards() {
        readBack.want();
        readBack.poll(0);
        readBack.want();
        readBack.pageDone(-1, 0);
        assertEquals(List.of(0, 0), asked, "what changed behind the cursor is found on the next pass");
    }

    @Test
    void aFailedPageEndsTheReadBack() {
        readBack.want();
        readBack.poll(0);
        readBack.failed();
        readBack.want();
        readBack.poll(0);
        assertEquals(List.of(0, 0), asked);
    }
}
