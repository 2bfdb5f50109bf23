package org.tabserve.model.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and unserved model directories: each refused with {@link MlflowFormatException} in words naming the field,
 * never a value of the model's, never a StackOverflowError, an OutOfMemoryError or code run.
 */
class MlflowRefusalTest {

    /** A name the hostile files use, which no refusal may repeat. */
    private static final String SECRET = "s3cr3t-value";

    @TempDir
    Path root;

    Path dir;

    @BeforeEach
    void createModelDirectory() throws Exception {
        dir = Files.createDirectory(root.resolve("model"));
    }

    private String refusal() {
        MlflowFormatException refused = assertThrows(MlflowFormatException.class, () -> MlflowDirectory.read(dir));
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
        return refused.getMessage();
    }

    private void xgboostWithData(String data) throws Exception {
        Files.writeString(dir.resolve("MLmodel"), """
                flavors:
                  xgboost:
                    data: %s
                    model_format: json
                    xgb_version: 3.4.0
                mlflow_version: 2.14.2
                """.formatted(data));
    }

    @Test
    void anMlmodelPastItsBoundIsRefusedBeforeItIsParsed() throws Exception {
        Files.writeString(dir.resolve("MLmodel"), "flavors: {}\n# " + "x".repeat(1 << 20) + "\n");
        assertEquals("MLmodel is larger than the 1048576-byte bound", refusal());
    }

    @Test
    void aYamlAliasBombIsRefused() throws Exception {
        StringBuilder bomb = new StringBuilder("a: &a [\"" + SECRET + "\", \"" + SECRET + "\"]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p);
            bomb.append(", *")
                    .append(p)
                    .append(", *")
                    .append(p)
                    .append(", *")
                    .append(p)
                    .append("]\n");
        }
        Files.writeString(dir.resolve("MLmodel"), bomb + "flavors: *z\n");
        assertTrue(refusal().contains("YAML aliases"));
    }

    /** A megabyte of one-character values would cost a 128 MB heap all of it: counted before any is kept. */
    @Test
    void aMegabyteOfSmallYamlValuesIsRefusedBeforeItIsKept() throws Exception {
        Files.writeString(dir.resolve("MLmodel"), "flavors: [" + "1,".repeat(500_000) + "1]\n");
        assertEquals("MLmodel holds more than 20000 YAML values", refusal());
    }

    @Test
    void deepYamlNestingIsRefused() throws Exception {
        Files.writeString(dir.resolve("MLmodel"), "flavors: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        assertEquals("MLmodel nests deeper than 32 levels", refusal());
    }

    /** SnakeYAML's safe constructor builds no object from a tag, so no command runs. */
    @Test
    void aYamlTagNamingAPythonOrJavaTypeBuildsNothing() throws Exception {
        Path marker = root.resolve("ran");
        Files.writeString(
                dir.resolve("MLmodel"),
                "flavors: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"file:"
                        + marker + "\"]]]]\nrun_id: !!python/object/apply:os.system [\"touch " + marker + "\"]\n");
        assertTrue(refusal().startsWith("MLmodel holds a YAML tag that names a type"));
        assertFalse(Files.exists(marker));
    }

    @Test
    void malformedYamlIsRefusedWithItsLine() throws Exception {
        Files.writeString(dir.resolve("MLmodel"), "flavors:\n  xgboost: {data: [" + SECRET + "\n");
        assertTrue(refusal().startsWith("MLmodel is not well-formed YAML (line"));
    }

    @Test
    void anArtifactPathThatClimbsOutIsRefused() throws Exception {
        Files.writeString(root.resolve("x"), "{}");
        xgboostWithData("../x");
        assertEquals("flavors.xgboost.data climbs out of the model directory with '..'", refusal());
        xgboostWithData("sub/../../x");
        assertEquals("flavors.xgboost.data climbs out of the model directory with '..'", refusal());
    }

    @Test
    void anAbsoluteArtifactPathIsRefused() throws Exception {
        Files.writeString(root.resolve("x"), "{}");
        xgboostWithData(root.resolve("x").toString());
        assertTrue(refusal().startsWith("flavors.xgboost.data is an absolute path"));
    }

    @Test
    void aSymbolicLinkLeadingOutOfTheDirectoryIsRefused() throws Exception {
        Files.writeString(root.resolve(SECRET), "{\"learner\": {}}");
        Files.createSymbolicLink(dir.resolve("model.json"), root.resolve(SECRET));
        xgboostWithData("model.json");
        assertEquals("flavors.xgboost.data is a symbolic link that leads out of the model directory", refusal());

        Files.createDirectory(root.resolve("elsewhere"));
        Files.writeString(root.resolve("elsewhere/model.json"), "{}");
        Files.createSymbolicLink(dir.resolve("linked"), root.resolve("elsewhere"));
        xgboostWithData("linked/model.json");
        assertEquals("flavors.xgboost.data is a symbolic link that leads out of the model directory", refusal());

        Files.createSymbolicLink(dir.resolve("loop"), Path.of("loop"));
        xgboostWithData("loop");
        assertEquals("flavors.xgboost.data names a file that cannot be read: FileSystemException", refusal());
    }

    @Test
    void anArtifactThatIsADirectoryOrMissingOrEmptyIsRefused() throws Exception {
        Files.createDirectory(dir.resolve("model.json"));
        xgboostWithData("model.json");
        assertEquals("flavors.xgboost.data names a directory, where a model file is expected", refusal());
        xgboostWithData(SECRET + ".json");
        assertEquals("flavors.xgboost.data names a file that the model directory does not hold", refusal());
        xgboostWithData("''");
        assertTrue(refusal().startsWith("flavors.xgboost.data is empty"));
        Files.writeString(dir.resolve("empty.json"), "");
        xgboostWithData("empty.json");
        assertEquals("flavors.xgboost.data names an empty file", refusal());
    }

    @Test
    void anArtifactThatIsAPipeIsRefusedWithoutBeingOpened() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("model.json").toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is there");
        xgboostWithData("model.json");
        assertEquals("flavors.xgboost.data names a pipe, a socket or a device, not a regular file", refusal());
    }

    @Test
    void aScikitLearnFlavorIsRefusedAsAPickle() throws Exception {
        Files.write(dir.resolve("model.pkl"), new byte[] {(byte) 0x80, 5});
        Files.writeString(dir.resolve("MLmodel"), """
                artifact_path: file:///srv/mlruns/0/models/m-c341a2270e7b421f8333e76e6580b504/artifacts
                flavors:
                  python_function:
                    env:
                      conda: conda.yaml
                      virtualenv: python_env.yaml
                    loader_module: mlflow.sklearn
                    model_path: model.pkl
                    predict_fn: predict
                    python_version: 3.10.12
                  sklearn:
                    code: null
                    pickled_model: model.pkl
                    serialization_format: cloudpickle
                    sklearn_version: 1.5.2
                mlflow_version: 3.4.0
                model_id: m-c341a2270e7b421f8333e76e6580b504
                model_size_bytes: 1088384
                model_uuid: m-c341a2270e7b421f8333e76e6580b504
                prompts: null
                """);
        String words = refusal();
        assertTrue(words.startsWith("the sklearn flavor stores a pickle"), words);
        assertTrue(words.contains("export the model to ONNX (skl2onnx"), words);
    }

    @Test
    void aCustomPythonFunctionIsRefusedAsCode() throws Exception {
        Files.writeString(dir.resolve("MLmodel"), """
                flavors:
                  python_function:
                    cloudpickle_version: 3.0.0
                    code: code
                    env:
                      conda: conda.yaml
                      virtualenv: python_env.yaml
                    loader_module: mlflow.pyfunc.model
                    python_model: python_model.pkl
                    python_version: 3.11.9
                mlflow_version: 2.16.0
                """);
        assertTrue(refusal().startsWith("the python_function flavor alone is a custom Python model"));
    }

    @Test
    void aLightgbmScikitLearnModelIsRefusedAsAPickle() throws Exception {
        Files.write(dir.resolve("model.pkl"), new byte[] {(byte) 0x80, 4, (byte) 0x95});
        Files.writeString(dir.resolve("MLmodel"), """
                flavors:
                  lightgbm:
                    code: null
                    data: model.pkl
                    lgb_version: 4.3.0
                    model_class: lightgbm.sklearn.LGBMClassifier
                mlflow_version: 2.12.1
                """);
        assertTrue(refusal().startsWith("the lightgbm flavor of a scikit-learn model"));
    }

    @Test
    void anUnknownFlavorOrNoneIsRefusedNamingWhatIsServed() throws Exception {
        Files.writeString(dir.resolve("MLmodel"), "flavors:\n  pytorch: {model_data: data}\n  python_function: {}\n");
        assertTrue(refusal().startsWith("the pytorch flavor is not served: tabserve serves an MLflow model's onnx,"));
        Files.writeString(dir.resolve("MLmodel"), "flavors:\n  '" + SECRET + "<>': {}\n");
        assertTrue(refusal().startsWith("a flavor of an unusual name is not served"));
        Files.writeString(dir.resolve("MLmodel"), "mlflow_version: 2.14.2\n");
        assertEquals("MLmodel has no flavors: the directory is not an MLflow model", refusal());
        Files.writeString(dir.resolve("MLmodel"), "flavors:\n  onnx: {data: a}\n  xgboost: {data: b}\n");
        assertTrue(refusal().startsWith("MLmodel's flavors hold both onnx and xgboost"));
    }

    @Test
    void aFileThatIsNotItsFlavorsFormatIsRefused() throws Exception {
        Files.writeString(dir.resolve("model.lgb"), SECRET + "\n");
        Files.writeString(dir.resolve("MLmodel"), "flavors:\n  lightgbm: {data: model.lgb}\n");
        assertEquals("flavors.lightgbm.data is not a LightGBM text model (Booster.save_model writes one)", refusal());
    }

    @Test
    void aMalformedOrUnservedSignatureIsRefusedNamingIt() throws Exception {
        TrainedArtifacts.xgboost(dir.resolve("model.json"));
        String flavors = "flavors:\n  xgboost: {data: model.json}\n";
        Files.writeString(
                dir.resolve("MLmodel"), flavors + "signature:\n  inputs: '[{\"type\": \"double\", " + SECRET + "'\n");
        assertTrue(refusal().startsWith("signature.inputs is not well-formed JSON (line 1, column"));
        Files.writeString(dir.resolve("MLmodel"), flavors + "signature:\n  inputs: '{\"type\": \"double\"}'\n");
        assertEquals("signature.inputs is not a JSON array of columns or tensors", refusal());
        Files.writeString(
                dir.resolve("MLmodel"),
                flavors
                        + "signature:\n  inputs: '[{\"type\": \"array\", \"items\": {\"type\": \"double\"}, \"name\": \"x\"}]'\n");
        assertTrue(refusal().startsWith("signature.inputs: column 1 has type 'array', not a single value"));
        Files.writeString(
                dir.resolve("MLmodel"),
                flavors
                        + "signature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x\"}, {\"type\": \"long\", \"name\": \"x\"}]'\n");
        assertEquals("signature.inputs: column 2 repeats an earlier column's name", refusal());
        Files.writeString(dir.resolve("MLmodel"), flavors + "signature:\n  inputs: '" + "[".repeat(100) + "'\n");
        assertEquals("signature.inputs nests deeper than its bound", refusal());
    }

    @Test
    void aHugeOrMalformedInputExampleIsRefusedNamingIt() throws Exception {
        TrainedArtifacts.xgboost(dir.resolve("model.json"));
        Files.writeString(dir.resolve("MLmodel"), """
                flavors:
                  xgboost: {data: model.json}
                saved_input_example_info:
                  artifact_path: input_example.json
                  pandas_orient: split
                  type: dataframe
                """);
        Files.writeString(dir.resolve("input_example.json"), "{\"data\": [" + "[1],".repeat(300_000) + "[1]]}");
        assertEquals("saved_input_example_info.artifact_path is larger than the 1048576-byte bound", refusal());
        Files.writeString(dir.resolve("input_example.json"), "{\"data\": [" + "[1],".repeat(60_000) + "[1]]}");
        assertEquals("saved_input_example_info.artifact_path holds more than 100000 values", refusal());
        Files.writeString(
                dir.resolve("input_example.json"), "{\"columns\": [\"a\"], \"data\": [[1, \"" + SECRET + "\"]]}");
        assertEquals(
                "saved_input_example_info.artifact_path: row 1 does not hold one cell for each of the 1 columns",
                refusal());
        Files.writeString(dir.resolve("input_example.json"), "{\"data\": [[1, " + SECRET + "]]}");
        assertTrue(refusal().startsWith("saved_input_example_info.artifact_path is not well-formed JSON (line 1"));
        Files.writeString(dir.resolve("input_example.json"), "{\"columns\": [\"a\"], \"data\": [[[1]]]}");
        assertEquals(
                "saved_input_example_info.artifact_path: row 1 holds a cell that is not a single value", refusal());
    }

    @Test
    void aPathThatIsNoModelDirectoryIsRefused() throws Exception {
        assertEquals("MLmodel names a file that the model directory does not hold", refusal());
        Files.writeString(root.resolve("file"), "");
        MlflowFormatException refused =
                assertThrows(MlflowFormatException.class, () -> MlflowDirectory.read(root.resolve("file")));
        assertTrue(refused.getMessage().startsWith("an MLflow model is a directory"));
        assertFalse(MlflowDirectory.isMlflowDirectory(root.resolve("file")));
    }
}
