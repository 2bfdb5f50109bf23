package org.tabserve.web.v2.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;
import org.tabserve.model.StrictUtf8;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;
import org.tabserve.model.signature.ValueType;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.v2.V2Request;

/**
 * One input tensor of a gRPC {@code ModelInferRequest}: its values in {@code contents}, in the field of its datatype,
 * or in its entry of {@code raw_input_contents} (flat little-endian values; BYTES as a 4-byte little-endian length
 * before each value), read into a primitive array of the datatype's kind. Each value becomes its cell straight from
 * there, as {@code V2Values} would read it; only a value V2Values would refuse or make missing (NaN, infinite, inexact
 * in the input's type) goes through the JSON value REST would have carried, so that the words and the answer are
 * REST's.
 *
 * @param raw the tensor's raw contents, or null when its values are in {@code contents}
 */
record V2GrpcTensor(ModelInferRequest.InferInputTensor tensor, ByteString raw) implements V2Request.Input {

    /** The {@code contents} field each datatype's values go in. */
    private static final Map<String, String> CONTENTS_FIELD = Map.of(
            "BOOL",
            "bool_contents",
            "INT32",
            "int_contents",
            "INT64",
            "int64_contents",
            "FP32",
            "fp32_contents",
            "FP64",
            "fp64_contents",
            "BYTES",
            "bytes_contents");
    /** Whole numbers up to this magnitude are exact in a float. */
    private static final long FLOAT_EXACT = 1L << 24;
    /** Whole numbers up to this magnitude are exact in a double. */
    private static final long DOUBLE_EXACT = 1L << 53;

    @Override
    public String name() {
        return tensor.getName();
    }

    @Override
    public long[] shape(String input) {
        long[] shape = new long[tensor.getShapeCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.getShape(i);
        }
        return shape;
    }

    @Override
    public String datatype() {
        return tensor.getDatatype().isEmpty() ? null : tensor.getDatatype();
    }

    @Override
    public V2Request.Values values(long[] shape, String input) {
        String datatype = tensor.getDatatype();
        return raw != null ? raw(datatype, input) : contents(datatype, input);
    }

    private V2Request.Values contents(String datatype, String input) {
        InferTensorContents contents = tensor.getContents();
        List<String> filled = filled(contents);
        if (filled.size() > 1) {
            // Only the datatype's field is read: values given in another as well would be dropped unseen.
            throw HttpProblem.badRequest("input '" + input + "' has values in more than one field of contents ("
                    + String.join(
                            " and ", filled.stream().map(f -> "contents." + f).toList()) + "), which is"
                    + " ambiguous: give them in one, contents." + CONTENTS_FIELD.get(datatype) + " for datatype "
                    + datatype);
        }
        V2Request.Values values = switch (datatype) {
            case "BOOL" -> new Flags(flags(contents.getBoolContentsCount(), contents::getBoolContents));
            case "INT32" -> new Wholes(longs(contents.getIntContentsCount(), contents::getIntContents), true);
            case "INT64" -> new Wholes(longs(contents.getInt64ContentsCount(), contents::getInt64Contents), false);
            case "FP32" -> new Reals(doubles(contents.getFp32ContentsCount(), contents::getFp32Contents), true);
            case "FP64" -> new Reals(doubles(contents.getFp64ContentsCount(), contents::getFp64Contents), false);
            default -> {
                String[] texts = new String[contents.getBytesContentsCount()];
                Arrays.setAll(texts, i -> text(contents.getBytesContents(i), input, i));
                yield new Texts(texts);
            }
        };
        if (values.isEmpty() && !filled.isEmpty()) {
            throw HttpProblem.badRequest("input '" + input + "' has datatype " + datatype + ", whose values go "
                    + "in contents." + CONTENTS_FIELD.get(datatype) + ", but its values are in contents."
                    + filled.get(0));
        }
        return values;
    }

    /** The fields of {@code contents} that hold values. */
    private static List<String> filled(InferTensorContents contents) {
        List<String> filled = new ArrayList<>(1);
        addIf(filled, contents.getBoolContentsCount(), "bool_contents");
        addIf(filled, contents.getIntContentsCount(), "int_contents");
        addIf(filled, contents.getInt64ContentsCount(), "int64_contents");
        addIf(filled, contents.getUintContentsCount(), "uint_contents");
        addIf(filled, contents.getUint64ContentsCount(), "uint64_contents");
        addIf(filled, contents.getFp32ContentsCount(), "fp32_contents");
        addIf(filled, contents.getFp64ContentsCount(), "fp64_contents");
        addIf(filled, contents.getBytesContentsCount(), "bytes_contents");
        return filled;
    }

    private static void addIf(List<String> filled, int count, String field) {
        if (count > 0) {
            filled.add(field);
        }
    }

    private V2Request.Values raw(String datatype, String input) {
        ByteBuffer bytes = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (datatype.equals("BYTES")) {
            List<String> texts = new ArrayList<>();
            while (bytes.hasRemaining()) {
                if (bytes.remaining() < 4) {
                    throw HttpProblem.badRequest(rawBroken(input, texts.size(), "a 4-byte length"));
                }
                int length = bytes.getInt();
                if (length < 0 || length > bytes.remaining()) {
                    throw HttpProblem.badRequest(rawBroken(input, texts.size(), length + " bytes of text"));
                }
                ByteString value = ByteString.copyFrom(bytes.slice().limit(length));
                bytes.position(bytes.position() + length);
                texts.add(text(value, input, texts.size()));
            }
            return new Texts(texts.toArray(String[]::new));
        }
        int size = switch (datatype) {
            case "BOOL" -> 1;
            case "INT32", "FP32" -> 4;
            default -> 8;
        };
        if (bytes.remaining() % size != 0) {
            throw HttpProblem.badRequest("input '" + input + "': raw_input_contents has " + bytes.remaining()
                    + " bytes, which is no whole number of " + size + "-byte " + datatype + " values");
        }
        int count = bytes.remaining() / size;
        return switch (datatype) {
            case "BOOL" -> new Flags(flags(count, i -> bytes.get() != 0));
            case "INT32", "INT64" ->
                new Wholes(longs(count, i -> size == 4 ? bytes.getInt() : bytes.getLong()), size == 4);
            default -> new Reals(doubles(count, i -> size == 4 ? bytes.getFloat() : bytes.getDouble()), size == 4);
        };
    }

    /** The {@code count} values {@code at} gives, read in order (from a ByteBuffer, too). */
    private static boolean[] flags(int count, IntPredicate at) {
        boolean[] values = new boolean[count];
        for (int i = 0; i < count; i++) {
            values[i] = at.test(i);
        }
        return values;
    }

    private static long[] longs(int count, IntToLongFunction at) {
        long[] values = new long[count];
        Arrays.setAll(values, at);
        return values;
    }

    private static double[] doubles(int count, IntToDoubleFunction at) {
        double[] values = new double[count];
        Arrays.setAll(values, at);
        return values;
    }

    private static String rawBroken(String input, int index, String expected) {
        return "input '" + input + "': raw_input_contents ends where value " + index + " needs " + expected;
    }

    private static String text(ByteString value, String input, int index) {
        try {
            return StrictUtf8.decode(value.asReadOnlyByteBuffer());
        } catch (CharacterCodingException e) {
            throw HttpProblem.badRequest("input '" + input + "': data value " + index + " is not UTF-8 text");
        }
    }

    private static boolean isNumber(ModelInput input) {
        return input.type() == ValueType.FLOAT || input.type() == ValueType.DOUBLE;
    }

    /** FP32 or FP64 values (an FP32 value held as the double it is exactly). */
    private static final class Reals extends V2Request.Values {
        private final double[] values;
        private final boolean fp32;

        Reals(double[] values, boolean fp32) {
            this.values = values;
            this.fp32 = fp32;
        }

        @Override
        public JsonNode get(int index) {
            return fp32 ? FloatNode.valueOf((float) values[index]) : DoubleNode.valueOf(values[index]);
        }

        @Override
        public int size() {
            return values.length;
        }

        /** Whether the value is taken as it is: finite, and exactly a float32 where the input takes those. */
        private boolean plain(int index, ModelInput input) {
            double value = values[index];
            return isNumber(input)
                    && Double.isFinite(value)
                    && (fp32 || input.type() != ValueType.FLOAT || (float) value == value);
        }

        @Override
        protected Object cell(int index, String datatype, ModelInput input, Feature feature) {
            return plain(index, input) ? (Object) values[index] : super.cell(index, datatype, input, feature);
        }

        @Override
        protected double number(int index, String datatype, ModelInput input, Feature feature) {
            return plain(index, input) ? values[index] : super.number(index, datatype, input, feature);
        }
    }

    /** INT32 or INT64 values. */
    private static final class Wholes extends V2Request.Values {
        private final long[] values;
        private final boolean int32;

        Wholes(long[] values, boolean int32) {
            this.values = values;
            this.int32 = int32;
        }

        @Override
        public JsonNode get(int index) {
            return int32 ? IntNode.valueOf((int) values[index]) : LongNode.valueOf(values[index]);
        }

        @Override
        public int size() {
            return values.length;
        }

        /** Whether the value is exact in a number input's type, so it is taken as it is. */
        private boolean exact(int index, ModelInput input) {
            long value = values[index];
            long exact = input.type() == ValueType.FLOAT ? FLOAT_EXACT : DOUBLE_EXACT;
            return isNumber(input) && value >= -exact && value <= exact;
        }

        @Override
        protected Object cell(int index, String datatype, ModelInput input, Feature feature) {
            if (input.type() == ValueType.INT64 || input.type() == ValueType.INT32) {
                return values[index]; // Batch checks an INT32 input's range, as for REST's whole numbers
            }
            return exact(index, input) ? (Object) (double) values[index] : super.cell(index, datatype, input, feature);
        }

        @Override
        protected double number(int index, String datatype, ModelInput input, Feature feature) {
            return exact(index, input) ? values[index] : super.number(index, datatype, input, feature);
        }
    }

    /** BOOL values. */
    private static final class Flags extends V2Request.Values {
        private final boolean[] values;

        Flags(boolean[] values) {
            this.values = values;
        }

        @Override
        public JsonNode get(int index) {
            return BooleanNode.valueOf(values[index]);
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        protected Object cell(int index, String datatype, ModelInput input, Feature feature) {
            return input.type() == ValueType.BOOL
                    ? (Object) values[index]
                    : super.cell(index, datatype, input, feature);
        }
    }

    /** BYTES values, each read as UTF-8 text when the tensor was read. */
    private static final class Texts extends V2Request.Values {
        private final String[] values;

        Texts(String[] values) {
            this.values = values;
        }

        @Override
        public JsonNode get(int index) {
            return TextNode.valueOf(values[index]);
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        protected Object cell(int index, String datatype, ModelInput input, Feature feature) {
            return values[index];
        }
    }
}
