package org.tabserve.rows.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;
import org.tabserve.rows.field.RowsException;

/**
 * The messages of an Arrow IPC stream, each one's header read and judged before Arrow reads its body: a header past
 * {@link #MAX_METADATA_BYTES}, a record batch that declares 2^31 rows or more (or more than the input may have), a
 * body past {@link #MAX_BODY_BYTES} or a buffer that reaches past its body, a body compressed otherwise than in LZ4
 * frames (whose buffers {@link ArrowCodecs} inflates, metered), a tensor: each is
 * refused in words, unread. What a body will hold is reserved ({@link Reserve}) before Arrow allocates it. Bodies
 * are copied in through the heap, so reading needs no JVM flag (Arrow's own channel needs {@code --add-opens
 * java.base/java.nio}). An Arrow IPC file (Feather v2) is read as the stream it holds, past its magic.
 */
final class ArrowMessages extends MessageChannelReader {

    /** The most bytes one message's header (a schema's, a batch's layout) may have: a wide schema needs ~100 KB. */
    static final int MAX_METADATA_BYTES = 1 << 24;
    /** The most bytes one record or dictionary batch's body may have, whatever the memory budget says. */
    static final long MAX_BODY_BYTES = 1L << 29;

    /** The compression an Arrow stream is read in, and how to send another: a refusal's way on. */
    static final String TAKEN = "an Arrow stream is read uncompressed or LZ4-compressed: send it so (pyarrow:"
            + " ipc.IpcWriteOptions(compression='lz4') or None; pandas: to_feather(compression='lz4'))";

    /** Takes the bytes a body will hold from the request's memory budget, or throws its refusal. */
    interface Reserve {
        void body(long bytes, boolean dictionary);
    }

    private static final int CONTINUATION = 0xFFFFFFFF;

    private final Input input;
    private final Reserve reserve;
    private final long maxRows;
    private final String what;
    private long rows;
    private boolean first = true;

    ArrowMessages(InputStream in, BufferAllocator allocator, Reserve reserve, long maxRows, String what) {
        this(new Input(in), allocator, reserve, maxRows, what);
    }

    private ArrowMessages(Input input, BufferAllocator allocator, Reserve reserve, long maxRows, String what) {
        super(input, allocator);
        this.input = input;
        this.reserve = reserve;
        this.maxRows = maxRows;
        this.what = what;
    }

    @Override
    public MessageResult readNext() throws IOException {
        boolean opening = first;
        if (first) {
            first = false;
            skipFileMagic();
        }
        byte[] prefix = input.take(4);
        if (prefix.length == 0) { // a stream may end without its end-of-stream marker
            input.pushBack(prefix, null);
            return super.readNext();
        }
        int length = littleEndian(prefix, prefix.length);
        if (opening && length != CONTINUATION) {
            // Every Arrow stream since 0.15 opens with the continuation marker; older ones with a schema's length,
            // whose four bytes are none of these formats' first bytes (text's would be a length past 500 MB).
            String named = ForeignFormats.named(prefix);
            if (named != null) {
                throw RowsException.malformed(what + " is not an Arrow IPC stream: it begins like " + named);
            }
        }
        if (length == CONTINUATION) {
            byte[] more = input.take(4);
            length = littleEndian(more, more.length);
            prefix = new byte[] {-1, -1, -1, -1, more[0], more[1], more[2], more[3]};
        }
        if (length == 0) {
            input.pushBack(prefix, null);
            return super.readNext(); // the end of the stream
        }
        if (length < 0 || length > MAX_METADATA_BYTES) {
            throw RowsException.tooLarge(what + " has a message header of " + Integer.toUnsignedString(length)
                    + " bytes; at most " + MAX_METADATA_BYTES + " are read (is it an Arrow IPC stream?)");
        }
        byte[] metadata = input.take(length);
        if (metadata.length < length) {
            throw RowsException.malformed(what + " ends inside a message header; it was cut short");
        }
        judge(metadata);
        input.pushBack(prefix, metadata);
        return super.readNext();
    }

    /** Skips an Arrow IPC file's leading magic ({@code ARROW1} and two bytes of padding), if the input has it. */
    private void skipFileMagic() throws IOException {
        byte[] start = input.take(8);
        if (start.length == 8 && ForeignFormats.begins(start, "ARROW1")) {
            return;
        }
        input.pushBack(start, null);
    }

    /** Refuses a message whose header promises what is not read, and reserves what its body will hold. */
    private void judge(byte[] metadata) {
        Message message;
        byte type;
        long body;
        try {
            message = Message.getRootAsMessage(ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN));
            type = message.headerType();
            body = message.bodyLength();
        } catch (RuntimeException e) { // flatbuffers' offsets past the bytes
            throw RowsException.malformed(what + " has a message header that is not Arrow's: " + e);
        }
        if (type == MessageHeader.Schema) {
            return;
        }
        RecordBatch batch;
        if (type == MessageHeader.RecordBatch) {
            batch = (RecordBatch) message.header(new RecordBatch());
        } else if (type == MessageHeader.DictionaryBatch) {
            batch = ((DictionaryBatch) message.header(new DictionaryBatch())).data();
        } else {
            throw RowsException.malformed(what + " sends a " + MessageHeader.name(type)
                    + " message; a table is read from record batches (and their dictionaries)");
        }
        if (batch == null) {
            throw RowsException.malformed(what + " has a batch message with no batch in it");
        }
        boolean records = type == MessageHeader.RecordBatch;
        long declared = batch.length();
        if (declared < 0 || declared > Integer.MAX_VALUE) {
            throw RowsException.tooLarge(what + " has a " + (records ? "record" : "dictionary")
                    + " batch that declares "
                    + declared + " rows; a batch may have at most " + Integer.MAX_VALUE + " (Arrow's limit), and "
                    + maxRows + " rows are read a request; nothing of it was read");
        }
        if (records && rows + declared > maxRows) {
            throw RowsException.tooManyRows(what + " has more than " + maxRows + " data rows (a batch declares "
                    + declared + " after " + rows + "); split it");
        }
        if (body < 0 || body > MAX_BODY_BYTES) {
            throw RowsException.tooLarge(what + " has a batch of " + body + " bytes; at most " + MAX_BODY_BYTES
                    + " are read at once: write it in smaller record batches (pyarrow: max_chunksize)");
        }
        if (batch.compression() != null
                && batch.compression().codec() != org.apache.arrow.flatbuf.CompressionType.LZ4_FRAME) {
            throw RowsException.malformed(what + " is compressed with "
                    + org.apache.arrow.flatbuf.CompressionType.name(
                            batch.compression().codec())
                    + "; " + TAKEN);
        }
        for (int i = 0; i < batch.buffersLength(); i++) {
            var buffer = batch.buffers(i);
            if (buffer.offset() < 0 || buffer.length() < 0 || buffer.offset() + buffer.length() > body) {
                throw RowsException.malformed(what + " has a batch whose buffer " + i + " (" + buffer.length()
                        + " bytes at " + buffer.offset() + ") reaches past the batch's body of " + body + " bytes");
            }
        }
        if (records) {
            rows += declared;
        }
        reserve.body(body, !records);
    }

    private static int littleEndian(byte[] bytes, int n) {
        if (n < 4) {
            throw RowsException.malformed("the Arrow stream ends inside a message's length; it was cut short");
        }
        return (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
    }

    /**
     * The stream as Arrow's reader reads it: the bytes judged first given back, then the rest, bodies copied into
     * Arrow's memory through a heap buffer rather than a view of it as a direct {@link ByteBuffer}.
     */
    private static final class Input extends ReadChannel {
        private final InputStream in;
        private final byte[] copy = new byte[1 << 16];
        private byte[] pending = new byte[0];
        private int at;
        private long read;

        Input(InputStream in) {
            super(Channels.newChannel(InputStream.nullInputStream()));
            this.in = in;
        }

        /** @return up to {@code n} next bytes, fewer only at the stream's end */
        byte[] take(int n) throws IOException {
            int given = Math.min(n, pending.length - at);
            byte[] bytes = java.util.Arrays.copyOfRange(pending, at, at + given);
            at += given;
            if (given < n) {
                byte[] more = in.readNBytes(n - given);
                bytes = java.util.Arrays.copyOf(bytes, given + more.length);
                System.arraycopy(more, 0, bytes, given, more.length);
            }
            read += bytes.length;
            return bytes;
        }

        /** Gives bytes taken back, to be read again before the rest. */
        void pushBack(byte[] prefix, byte[] rest) {
            int more = rest == null ? 0 : rest.length;
            pending = java.util.Arrays.copyOf(prefix, prefix.length + more);
            if (rest != null) {
                System.arraycopy(rest, 0, pending, prefix.length, more);
            }
            at = 0;
            read -= pending.length;
        }

        @Override
        public int readFully(ByteBuffer buffer) throws IOException {
            int total = 0;
            while (buffer.hasRemaining() && at < pending.length) {
                int n = Math.min(buffer.remaining(), pending.length - at);
                buffer.put(pending, at, n);
                at += n;
                total += n;
            }
            while (buffer.hasRemaining()) {
                int n = in.read(copy, 0, Math.min(copy.length, buffer.remaining()));
                if (n < 0) {
                    break;
                }
                buffer.put(copy, 0, n);
                total += n;
            }
            read += total;
            return total;
        }

        @Override
        public long readFully(ArrowBuf buffer, long length) throws IOException {
            long left = length;
            while (left > 0) {
                int n = in.read(copy, 0, (int) Math.min(copy.length, left));
                if (n < 0) {
                    break;
                }
                buffer.setBytes(buffer.writerIndex(), copy, 0, n);
                buffer.writerIndex(buffer.writerIndex() + n);
                left -= n;
            }
            read += length - left;
            return length - left;
        }

        @Override
        public long bytesRead() {
            return read;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
