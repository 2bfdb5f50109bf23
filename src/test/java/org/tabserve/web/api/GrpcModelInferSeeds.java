package org.tabserve.web.api;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The saved inputs of {@link RequestParsersFuzzTest#grpcModelInfer}: valid ModelInfer messages, serialized, for the
 * fuzz tests' two signatures (the bank notes' FP32 tensor, in contents and in raw_input_contents; the typed penguin
 * columns with BYTES text, a missing FP32, INT64, BOOL and FP64, in contents and raw; with explain). Run {@link #main}
 * to write them again into the target's inputs folder; {@code GrpcModelInferSeedsTest} checks the committed files are
 * these and that the service reads each.
 */
public final class GrpcModelInferSeeds {

    /** Where the target's inputs are. */
    static final Path FOLDER =
            Path.of("src/test/resources/org/tabserve/web/api/RequestParsersFuzzTestInputs/grpcModelInfer");

    private GrpcModelInferSeeds() {}

    /** Each seed's file name and bytes. */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        ModelInferRequest.InferInputTensor.Builder notes = tensor("input", "FP32", 2, 4);
        float[] values = {3.6216f, 8.6661f, -2.8073f, -0.44699f, -1.3971f, 3.3191f, -1.3927f, -1.9948f};
        InferTensorContents.Builder fp32 = InferTensorContents.newBuilder();
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            fp32.addFp32Contents(value);
            raw.putFloat(value);
        }
        seeds.put(
                "banknotes-fp32-contents.bin",
                ModelInferRequest.newBuilder()
                        .setModelName("banknote")
                        .setId("7")
                        .addInputs(notes.clone().setContents(fp32))
                        .build()
                        .toByteArray());
        seeds.put(
                "banknotes-fp32-raw.bin",
                ModelInferRequest.newBuilder()
                        .addInputs(notes.clone())
                        .addRawInputContents(ByteString.copyFrom(raw.array()))
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("label"))
                        .build()
                        .toByteArray());

        ModelInferRequest.Builder penguins = ModelInferRequest.newBuilder()
                .setModelName("penguins")
                .putParameters(
                        "explain",
                        InferParameter.newBuilder().setBoolParam(true).build());
        penguins.addInputs(tensor("island", "BYTES", 2, 1)
                .setContents(InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFromUtf8("Dream"))
                        .addBytesContents(ByteString.copyFromUtf8("Biscoe"))));
        penguins.addInputs(tensor("bill", "FP32", 2)
                .setContents(
                        InferTensorContents.newBuilder().addFp32Contents(39.1f).addFp32Contents(Float.NaN)));
        penguins.addInputs(tensor("year", "INT64", 2, 1)
                .setContents(
                        InferTensorContents.newBuilder().addInt64Contents(2007).addInt64Contents(2009)));
        penguins.addInputs(tensor("tagged", "BOOL", 2)
                .setContents(
                        InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false)));
        penguins.addInputs(tensor("sex", "BYTES", 2, 1)
                .setContents(InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFromUtf8("MALE"))
                        .addBytesContents(ByteString.copyFromUtf8("FEMALE"))));
        penguins.addInputs(tensor("mass", "FP64", 2, 1)
                .setContents(
                        InferTensorContents.newBuilder().addFp64Contents(3750.5).addFp64Contents(0.1)));
        seeds.put("penguins-typed-contents.bin", penguins.build().toByteArray());

        ModelInferRequest.Builder rawPenguins = penguins.clone();
        for (int i = 0; i < rawPenguins.getInputsCount(); i++) {
            InferTensorContents contents = rawPenguins.getInputs(i).getContents();
            rawPenguins.getInputsBuilder(i).clearContents();
            rawPenguins.addRawInputContents(raw(rawPenguins.getInputs(i).getDatatype(), contents));
        }
        seeds.put("penguins-typed-raw.bin", rawPenguins.build().toByteArray());
        return seeds;
    }

    private static ModelInferRequest.InferInputTensor.Builder tensor(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder tensor =
                ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long dimension : shape) {
            tensor.addShape(dimension);
        }
        return tensor;
    }

    /** The contents as raw_input_contents: little-endian values, BYTES each after its 4-byte length. */
    private static ByteString raw(String datatype, InferTensorContents contents) {
        ByteBuffer out = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        switch (datatype) {
            case "BYTES" ->
                contents.getBytesContentsList()
                        .forEach(v -> out.putInt(v.size()).put(v.toByteArray()));
            case "FP32" -> contents.getFp32ContentsList().forEach(out::putFloat);
            case "FP64" -> contents.getFp64ContentsList().forEach(out::putDouble);
            case "INT64" -> contents.getInt64ContentsList().forEach(out::putLong);
            case "BOOL" -> contents.getBoolContentsList().forEach(v -> out.put((byte) (v ? 1 : 0)));
            default -> throw new IllegalArgumentException(datatype);
        }
        return ByteString.copyFrom(out.array(), 0, out.position());
    }

    /** Writes the seeds into the target's inputs folder (run from the project's root). */
    public static void main(String[] args) throws IOException {
        Files.createDirectories(FOLDER);
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Files.write(FOLDER.resolve(seed.getKey()), seed.getValue());
            System.out.println(FOLDER.resolve(seed.getKey()) + ": " + seed.getValue().length + " bytes");
        }
    }
}
