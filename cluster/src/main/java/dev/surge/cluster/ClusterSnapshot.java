package dev.surge.cluster;

import dev.surge.engine.state.StateConfig;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.CodeCipher;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.logbuffer.FragmentHandler;
import java.io.BufferedOutputStream;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The state machine's snapshot in the cluster's snapshot stream: the bytes
 * {@link StateMachine#writeSnapshot} writes, then the re-send window's ({@link AnswerWindow#write}:
 * answers hold codes too), sealed with the data key ({@link CodeCipher}, as
 * the journal's snapshots are: card codes never lie in clear in a node's directory), cut into
 * messages that each fit one Aeron frame. Messages, each led by its kind:
 * <pre>
 * 'H' header  format:4, lastSequence:8, lastTimestamp:8, digest:8 (also the seal's associated data)
 * 'D' data    the next bytes of the sealed stream
 * 'E' end     total data bytes:8
 * </pre>
 * On load the digest of the state read back must equal the header's, or the node refuses to start.
 * Format 1 (before the re-send window) reads back with an empty window.
 *
 * <p>Threading: runs on the clustered service's thread, which owns the state machine.
 */
final class ClusterSnapshot {
    static final int FORMAT = 2;
    private static final int FORMAT_WITHOUT_WINDOW = 1;
    private static final byte HEADER = 'H';
    private static final byte DATA = 'D';
    private static final byte END = 'E';
    private static final int HEADER_LENGTH = 1 + 4 + 8 + 8 + 8;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private ClusterSnapshot() {
    }

    /** What a snapshot restores: the state and the answers kept for re-sent commands. */
    record Restored(StateMachine machine, AnswerWindow window) {
    }

    /** Writes {@code machine} and {@code window} into {@code publication}, waiting out back pressure with {@code idle}. */
    static void write(StateMachine machine, AnswerWindow window, CodeCipher cipher, ExclusivePublication publication,
                      IdleStrategy idle) {
        byte[] header = header(machine.lastSequence(), machine.lastTimestamp(), machine.digest());
        ChunkStream chunks = new ChunkStream(publication, idle);
        try {
            offer(publication, idle, new UnsafeBuffer(header), header.length);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                cipher.sealingStream(chunks, header), 1 << 16))) {
                machine.writeSnapshot(out);
                window.write(out);
            }
            UnsafeBuffer end = new UnsafeBuffer(new byte[9]);
            end.putByte(0, END);
            end.putLong(1, chunks.total, LE);
            offer(publication, idle, end, end.capacity());
        } catch (IOException e) {
            throw new IllegalStateException("writing the cluster snapshot failed", e);
        }
    }

    /**
     * Reads the state a {@link #write} left in {@code image}, streaming: the sealed bytes are
     * opened and read into the state as the messages arrive, never held whole.
     */
    static Restored read(Image image, CodeCipher cipher, StateConfig config, IdleStrategy idle) {
        MessageStream in = new MessageStream(image, idle);
        byte[] header = in.header();
        UnsafeBuffer h = new UnsafeBuffer(header);
        int format = h.getInt(1, LE);
        if (format != FORMAT && format != FORMAT_WITHOUT_WINDOW) {
            throw new IllegalStateException("unknown cluster snapshot format " + format);
        }
        StateMachine machine;
        AnswerWindow window;
        try (DataInputStream data = new DataInputStream(new BufferedInputStream(cipher.openingStream(in, header),
            1 << 16))) {
            machine = StateMachine.readSnapshot(data, config);
            window = format == FORMAT ? AnswerWindow.read(data) : new AnswerWindow();
        } catch (IOException e) {
            throw new IllegalStateException("reading the cluster snapshot failed", e);
        }
        in.skipToEnd();
        if (machine.digest() != h.getLong(21, LE) || machine.lastSequence() != h.getLong(5, LE)) {
            throw new IllegalStateException("the snapshot read back does not match its digest");
        }
        return new Restored(machine, window);
    }

    private static byte[] header(long sequence, long timestamp, long digest) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        b.putByte(0, HEADER);
        b.putInt(1, FORMAT, LE);
        b.putLong(5, sequence, LE);
        b.putLong(13, timestamp, LE);
        b.putLong(21, digest, LE);
        return b.byteArray();
    }

    static void offer(Publication publication, IdleStrategy idle, DirectBuffer buffer, int length) {
        idle.reset();
        long result;
        while ((result = publication.offer(buffer, 0, length)) < 0) {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                throw new IllegalStateException("snapshot publication refused a message: " + result);
            }
            idle.idle();
        }
    }

    /** Bytes written to it leave as DATA messages of at most one frame each. */
    private static final class ChunkStream extends OutputStream {
        private final ExclusivePublication publication;
        private final IdleStrategy idle;
        private final UnsafeBuffer chunk;
        private int used = 1;
        long total;

        ChunkStream(ExclusivePublication publication, IdleStrategy idle) {
            this.publication = publication;
            this.idle = idle;
            this.chunk = new UnsafeBuffer(new byte[publication.maxPayloadLength()]);
            chunk.putByte(0, DATA);
        }

        @Override
        public void write(int b) {
            chunk.putByte(used++, (byte) b);
            if (used == chunk.capacity()) {
                flush();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, chunk.capacity() - used);
                chunk.putBytes(used, b, off, n);
                used += n;
                off += n;
                len -= n;
                if (used == chunk.capacity()) {
                    flush();
                }
            }
        }

        @Override
        public void flush() {
            if (used > 1) {
                offer(publication, idle, chunk, used);
                total += used - 1;
                used = 1;
            }
        }

        @Override
        public void close() {
            flush(); // the publication is the cluster's: it closes it
        }
    }

    /** The DATA messages of a snapshot image as one stream, polled one message at a time as it is read. */
    private static final class MessageStream extends InputStream implements FragmentHandler {
        private final Image image;
        private final IdleStrategy idle;
        private final byte[] chunk;
        private int length;
        private int position;
        private byte[] header;
        private long read;
        private long total = -1;

        MessageStream(Image image, IdleStrategy idle) {
            this.image = image;
            this.idle = idle;
            this.chunk = new byte[image.termBufferLength()];
        }

        byte[] header() {
            while (header == null && total < 0) {
                next();
            }
            if (header == null) {
                throw new IllegalStateException("the snapshot has no header");
            }
            return header;
        }

        /** Past whatever the reader left unread, to the end marker; checks the count of bytes. */
        void skipToEnd() {
            while (total < 0) {
                position = length;
                next();
            }
            if (read != total) {
                throw new IllegalStateException("the snapshot holds " + read + " bytes, its end says " + total);
            }
        }

        @Override
        public int read() {
            if (!fill()) {
                return -1;
            }
            return chunk[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }

        /** True when bytes are available; false at the end marker. */
        private boolean fill() {
            while (position == length && total < 0) {
                next();
            }
            return position < length;
        }

        private void next() {
            idle.reset();
            while (image.poll(this, 1) == 0) {
                if (image.isEndOfStream() || image.isClosed()) {
                    throw new IllegalStateException("the snapshot ended before its end marker");
                }
                idle.idle();
            }
        }

        @Override
        public void onFragment(DirectBuffer buffer, int offset, int size, io.aeron.logbuffer.Header frame) {
            byte kind = buffer.getByte(offset);
            if (kind == HEADER && size == HEADER_LENGTH && header == null) {
                header = new byte[HEADER_LENGTH];
                buffer.getBytes(offset, header);
            } else if (kind == DATA && header != null) {
                length = size - 1;
                position = 0;
                buffer.getBytes(offset + 1, chunk, 0, length);
                read += length;
            } else if (kind == END && header != null) {
                total = buffer.getLong(offset + 1, LE);
            } else {
                throw new IllegalStateException("unexpected message in the snapshot (kind " + kind + ")");
            }
        }
    }
}
