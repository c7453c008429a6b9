package dev.surge.journal.cli;

import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Events from a list, as a journal would hand them to the CLI; index = 1000 + position. With
 * {@code sealed}, CODES_LOADED events arrive as they do without the code key: place and count.
 */
final class ListEventSource implements EventSource {
    static final long FIRST_INDEX = 1000;
    private final List<byte[]> events;
    private final boolean sealed;

    ListEventSource(List<byte[]> events, boolean sealed) {
        this.events = events;
        this.sealed = sealed;
    }

    @Override
    public void scan(long fromSequence, long indexHint, Visitor visitor) {
        EventView view = new EventView();
        for (int i = 0; i < events.size(); i++) {
            byte[] e = events.get(i);
            long index = FIRST_INDEX + i;
            if (!view.wrap(new UnsafeBuffer(e), 0, e.length)) {
                visitor.onBadRecord(index, -1, "not a well-formed event");
                return;
            }
            boolean more = sealed && view.type == EventType.CODES_LOADED
                ? visitor.onSealedCodes(index, view.sequence, view.timestamp, view.campaign(), view.sku(), view.count)
                : visitor.onEvent(index, view);
            if (!more) {
                return;
            }
        }
    }

    @Override
    public long estimatedEvents() {
        return events.size();
    }

    @Override
    public boolean codesReadable() {
        return !sealed;
    }

    @Override
    public void close() {
    }
}
