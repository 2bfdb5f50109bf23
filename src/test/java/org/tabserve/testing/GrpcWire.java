package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.tabserve.launcher.TabserveServer;

/**
 * gRPC calls whose request message is any bytes at all, sent with grpc-java's own client (a call whose marshaller
 * writes the bytes as they are), for the hostile cases: bytes that are not protobuf, messages that protobuf reads but
 * that hold a great many tiny fields, and messages larger than any heap, generated as they are sent.
 */
public final class GrpcWire implements AutoCloseable {

    /** The service's name on the wire. */
    public static final String SERVICE = "inference.GRPCInferenceService";

    /** What a call ended with: its status (OK with the answer's bytes, or the refusal's code and description). */
    public record Outcome(String what, Status.Code code, String description, byte[] answer) {
        @Override
        public String toString() {
            return what + ": " + code + (description == null ? "" : " " + description);
        }
    }

    /**
     * A request as bytes opened afresh each time gRPC asks for them: grpc-java asks again for every attempt of a call
     * it retries (transparently, after a GOAWAY such as Jetty's idle timeout sends), and a stream handed out once
     * would send the retry an empty message.
     */
    private static final MethodDescriptor.Marshaller<Supplier<InputStream>> REQUEST =
            new MethodDescriptor.Marshaller<>() {
                @Override
                public InputStream stream(Supplier<InputStream> value) {
                    return value.get();
                }

                @Override
                public Supplier<InputStream> parse(InputStream stream) {
                    byte[] bytes = readAll(stream);
                    return () -> new ByteArrayInputStream(bytes);
                }
            };

    /** Bytes as they are, both ways: an answer's here, and a test server's. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return readAll(stream);
        }
    };

    private final ManagedChannel channel;

    public GrpcWire(URI server) {
        // A client's own limit on what it receives plays no part here: the answers are small.
        this(Grpc.newChannelBuilderForAddress(server.getHost(), server.getPort(), InsecureChannelCredentials.create())
                .build());
    }

    /** Calls on {@code channel}, which this closes. */
    public GrpcWire(ManagedChannel channel) {
        this.channel = channel;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Sends {@code message} as the request of {@code rpc}. */
    public Outcome call(String what, String rpc, byte[] message) {
        return call(what, rpc, () -> new ByteArrayInputStream(message));
    }

    /** Sends a message of {@code size} bytes, each {@code fill}, made as it is sent (its length declared first). */
    public Outcome callGenerated(String what, String rpc, long size, byte fill) {
        return call(what, rpc, () -> new Generated(size, fill));
    }

    private Outcome call(String what, String rpc, Supplier<InputStream> message) {
        MethodDescriptor<Supplier<InputStream>, byte[]> method =
                MethodDescriptor.<Supplier<InputStream>, byte[]>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, rpc))
                        .setRequestMarshaller(REQUEST)
                        .setResponseMarshaller(BYTES)
                        .build();
        try {
            byte[] answer = ClientCalls.blockingUnaryCall(
                    channel, method, CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES), message);
            return new Outcome(what, Status.Code.OK, null, answer);
        } catch (StatusRuntimeException e) {
            return new Outcome(what, e.getStatus().getCode(), e.getStatus().getDescription(), null);
        }
    }

    private static byte[] readAll(InputStream stream) {
        try (stream) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} copies of one field: its tag, and {@code value} as the field's bytes (length-delimited). */
    public static byte[] repeated(int field, byte[] value, int count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            for (int i = 0; i < count; i++) {
                out.writeByteArray(field, value);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A field as a varint where the message type has something else. */
    public static byte[] varint(int field, long value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeUInt64(field, value);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One bank-note tensor of {@code rows} rows of FP32 values in contents. */
    public static ModelInferRequest notes(String model, int rows) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        float[] note = {3.6216f, 8.6661f, -2.8073f, -0.44699f};
        for (int r = 0; r < rows; r++) {
            for (float value : note) {
                contents.addFp32Contents(value);
            }
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("FP32")
                        .addShape(rows)
                        .addShape(4)
                        .setContents(contents))
                .build();
    }

    /** A ByteString of {@code length} zero bytes. */
    public static ByteString zeros(int length) {
        return ByteString.copyFrom(new byte[length]);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * The plaintext channel the tests open to a tabserve (in-process or a process), speaking HTTP/2 cleartext with
     * prior knowledge, as java -jar serves it.
     */
    public static ManagedChannel channelTo(RunningServer server) {
        return Grpc.newChannelBuilderForAddress(
                        server.uri().getHost(), server.uri().getPort(), InsecureChannelCredentials.create())
                .build();
    }

    /** Shuts {@code channel} down, then stops {@code server}; either may be null (a start that failed half-way). */
    public static void close(ManagedChannel channel, TabserveServer server) throws InterruptedException {
        try {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * Asserts that a Python gRPC client's printed Open Inference outputs ({@code got}) are REST's infer outputs for the
     * same request ({@code want}), output by output: name, datatype, shape and every value, FP32 values as the same
     * float (REST writes the float32's shortest decimal form, Python the double it widens to), any other value as the
     * same JSON value.
     *
     * @param said what the client printed, for a failure's message
     */
    public static void assertSameOutputs(JsonNode want, JsonNode got, String said) {
        assertEquals(want.path("outputs").size(), got.path("outputs").size(), said);
        for (int o = 0; o < want.path("outputs").size(); o++) {
            JsonNode w = want.path("outputs").get(o);
            JsonNode g = got.path("outputs").get(o);
            assertEquals(w.path("name"), g.path("name"));
            assertEquals(w.path("datatype"), g.path("datatype"));
            assertEquals(w.path("shape"), g.path("shape"));
            assertEquals(w.path("data").size(), g.path("data").size(), g.toString());
            for (int i = 0; i < w.path("data").size(); i++) {
                if (w.path("datatype").asText().equals("FP32")) {
                    assertEquals(
                            (float) w.path("data").get(i).asDouble(),
                            (float) g.path("data").get(i).asDouble(),
                            w.path("name").asText() + " " + i);
                } else {
                    assertEquals(
                            w.path("data").get(i),
                            g.path("data").get(i),
                            w.path("name").asText() + " " + i);
                }
            }
        }
    }

    /** {@code size} bytes of {@code fill}, made as they are read; its length known, so the client streams it. */
    private static final class Generated extends InputStream implements KnownLength {
        private long left;
        private final byte fill;

        Generated(long size, byte fill) {
            this.left = size;
            this.fill = fill;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return fill & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            java.util.Arrays.fill(buffer, offset, offset + n, fill);
            left -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, left);
        }
    }
}
