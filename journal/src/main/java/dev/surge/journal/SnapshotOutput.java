package dev.surge.journal;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@link DataOutput} in {@link DataOutputStream}'s encoding (big-endian; {@code writeUTF} is
 * DataOutputStream's own), for writing a snapshot: numbers go into a buffer of its own, handed to
 * the stream below in whole buffers. A snapshot is millions of numbers; DataOutputStream makes a
 * call into the stream below for each one, which was a third of a snapshot's time.
 *
 * <p>Threading: confined to the thread that writes the snapshot. Closing it closes the stream below.
 */
final class SnapshotOutput extends OutputStream implements DataOutput {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final OutputStream out;
    private final byte[] buffer;
    /** Writes what is rare in a snapshot (strings, shorts) in DataOutputStream's encoding, through this. */
    private final DataOutputStream rare = new DataOutputStream(this);
    private int used;

    SnapshotOutput(OutputStream out, int bufferSize) {
        if (bufferSize < Long.BYTES) {
            throw new IllegalArgumentException("buffer of " + bufferSize + " bytes holds no number");
        }
        this.out = out;
        this.buffer = new byte[bufferSize];
    }

    private void room(int bytes) throws IOException {
        if (buffer.length - used < bytes) {
            drain();
        }
    }

    private void drain() throws IOException {
        out.write(buffer, 0, used);
        used = 0;
    }

    @Override
    public void writeLong(long v) throws IOException {
        room(Long.BYTES);
        LONG.set(buffer, used, v);
        used += Long.BYTES;
    }

    @Override
    public void writeInt(int v) throws IOException {
        room(Integer.BYTES);
        INT.set(buffer, used, v);
        used += Integer.BYTES;
    }

    @Override
    public void write(int b) throws IOException {
        room(1);
        buffer[used++] = (byte) b;
    }

    @Override
    public void writeByte(int v) throws IOException {
        write(v);
    }

    @Override
    public void writeBoolean(boolean v) throws IOException {
        write(v ? 1 : 0);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > buffer.length - used) {
            drain();
            if (len > buffer.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buffer, used, len);
        used += len;
    }

    @Override
    public void writeShort(int v) throws IOException {
        rare.writeShort(v);
    }

    @Override
    public void writeChar(int v) throws IOException {
        rare.writeChar(v);
    }

    @Override
    public void writeFloat(float v) throws IOException {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) throws IOException {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) throws IOException {
        rare.writeBytes(s);
    }

    @Override
    public void writeChars(String s) throws IOException {
        rare.writeChars(s);
    }

    @Override
    public void writeUTF(String s) throws IOException {
        rare.writeUTF(s);
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try (out) {
            drain();
        }
    }
}
