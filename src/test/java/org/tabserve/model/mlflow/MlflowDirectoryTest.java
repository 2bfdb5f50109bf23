package org.tabserve.model.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads model directories laid out as MLflow 1.x, 2.x and 3.x write them (MLmodel text in yaml.safe_dump's shape, the
 * flavors' own files trained by the real libraries, the input example files of mlflow.models.utils._Example).
 */
class MlflowDirectoryTest {

    @TempDir
    Path dir;

    /** MLflow 2.14's MLmodel for mlflow.xgboost.save_model(XGBClassifier, path) with its default model_format 'xgb'. */
    static final String XGBOOST_MLFLOW_2 = """
            artifact_path: model
            flavors:
              python_function:
                data: model.xgb
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.xgboost
                python_version: 3.11.4
              xgboost:
                code: null
                data: model.xgb
                model_class: xgboost.sklearn.XGBClassifier
                model_format: xgb
                xgb_version: 3.4.0
            mlflow_version: 2.14.2
            model_size_bytes: 35040
            model_uuid: 516954aae7c94e91adeed9df76cb4052
            run_id: bf212703d1874eee9dcb37c8a92a6de6
            saved_input_example_info:
              artifact_path: input_example.json
              pandas_orient: split
              serving_input_path: serving_input_example.json
              type: dataframe
            signature:
              inputs: '[{"type": "double", "name": "mean radius", "required": true}, {"type":
                "double", "name": "mean texture", "required": true}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
              params: null
            utc_time_created: '2024-07-01 09:12:44.123456'
            """;

    @Test
    void anMlflow2XgboostDirectoryWithTheDefaultModelFormatServesItsUbjsonBooster() throws Exception {
        TrainedArtifacts.xgboost(dir.resolve("model.xgb"));
        Files.writeString(dir.resolve("MLmodel"), XGBOOST_MLFLOW_2);
        Files.writeString(
                dir.resolve("input_example.json"),
                "{\"columns\": [\"mean radius\", \"mean texture\"], \"data\": [[17.99, 10.38], [20.57, null]]}");
        Files.writeString(dir.resolve("serving_input_example.json"), "{\n  \"dataframe_split\": {}\n}");

        MlflowModel model = MlflowDirectory.read(dir);

        assertEquals(MlflowFlavor.XGBOOST, model.flavor());
        assertEquals(ArtifactFormat.XGBOOST_UBJSON, model.format());
        assertEquals(dir.resolve("model.xgb").toRealPath(), model.artifact());
        MlflowSignature signature = model.signature().orElseThrow();
        assertEquals(
                List.of(
                        new MlflowColumn("mean radius", MlflowType.DOUBLE, true),
                        new MlflowColumn("mean texture", MlflowType.DOUBLE, true)),
                signature.inputs().columns());
        assertEquals(
                List.of(new MlflowTensor(null, "int64", List.of(-1L))),
                signature.outputs().tensors());
        MlflowExample example = model.inputExample().orElseThrow();
        assertEquals(List.of("mean radius", "mean texture"), example.columns());
        assertEquals(List.of(List.of(17.99, 10.38), Arrays.asList(20.57, null)), example.rows());
        assertEquals(
                new MlflowProvenance(
                        "bf212703d1874eee9dcb37c8a92a6de6",
                        "516954aae7c94e91adeed9df76cb4052",
                        null,
                        "2.14.2",
                        "2024-07-01 09:12:44.123456",
                        "model",
                        null,
                        "3.4.0",
                        "xgboost.sklearn.XGBClassifier",
                        "xgb"),
                model.provenance());
    }

    /** MLflow 3's MLmodel: a logged model's model_id, the type-hint flags, prompts, an optional column. */
    @Test
    void anMlflow3XgboostDirectorySavedAsJsonGivesItsModelIdAndOptionalColumns() throws Exception {
        TrainedArtifacts.xgboost(dir.resolve("model.json"));
        Files.writeString(dir.resolve("MLmodel"), """
                artifact_path: file:///srv/mlruns/1/models/m-c341a2270e7b421f8333e76e6580b504/artifacts
                flavors:
                  python_function:
                    data: model.json
                    env:
                      conda: conda.yaml
                      virtualenv: python_env.yaml
                    loader_module: mlflow.xgboost
                    python_version: 3.12.3
                  xgboost:
                    code: null
                    data: model.json
                    model_class: xgboost.core.Booster
                    model_format: json
                    xgb_version: 3.4.0
                is_signature_from_type_hint: false
                mlflow_version: 3.4.0
                model_id: m-c341a2270e7b421f8333e76e6580b504
                model_size_bytes: 4213
                model_uuid: m-c341a2270e7b421f8333e76e6580b504
                prompts: null
                run_id: 272a28f2395e4d75ae627a85fdd8cb90
                saved_input_example_info:
                  artifact_path: input_example.json
                  pandas_orient: split
                  serving_input_path: serving_input_example.json
                  type: dataframe
                signature:
                  inputs: '[{"type": "double", "name": "bill_length_mm", "required": true}, {"type":
                    "long", "name": "flipper_length_mm", "required": false}, {"type": "string", "name":
                    "island", "required": true}]'
                  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'
                  params: null
                type_hint_from_example: false
                utc_time_created: '2025-09-03 12:00:01.000001'
                """);
        Files.writeString(
                dir.resolve("input_example.json"),
                "{\"columns\": [\"bill_length_mm\", \"flipper_length_mm\", \"island\"],"
                        + " \"data\": [[39.1, 181, \"Torgersen\"]]}");

        MlflowModel model = MlflowDirectory.read(dir);

        assertEquals(ArtifactFormat.XGBOOST_JSON, model.format());
        assertEquals(model, MlflowDirectory.read(dir.resolve("MLmodel")), "the MLmodel file stands for its directory");
        assertEquals("m-c341a2270e7b421f8333e76e6580b504", model.provenance().modelId());
        assertEquals("3.4.0", model.provenance().mlflowVersion());
        assertEquals(
                new MlflowColumn("flipper_length_mm", MlflowType.LONG, false),
                model.signature().orElseThrow().inputs().columns().get(1));
        assertEquals(
                MlflowType.STRING,
                model.signature().orElseThrow().inputs().columns().get(2).type());
        assertEquals(
                List.of(List.of(39.1, 181L, "Torgersen")),
                model.inputExample().orElseThrow().rows());
    }

    /** mlflow.lightgbm.save_model(Booster): model.lgb text; an example in pandas' values orient takes the names. */
    @Test
    void anMlflow2LightgbmDirectoryServesTheBoostersTextModel() throws Exception {
        TrainedArtifacts.lightgbm(dir.resolve("model.lgb"));
        Files.writeString(dir.resolve("MLmodel"), """
                artifact_path: model
                flavors:
                  lightgbm:
                    code: null
                    data: model.lgb
                    lgb_version: 4.1.0
                    model_class: lightgbm.basic.Booster
                  python_function:
                    data: model.lgb
                    env:
                      conda: conda.yaml
                      virtualenv: python_env.yaml
                    loader_module: mlflow.lightgbm
                    python_version: 3.10.12
                mlflow_version: 2.9.2
                model_uuid: 0b6d0c0a2b2e4d3f9a4c1f1e7a0c9e11
                run_id: 5a0e7f1b7e2c4b1c8d8f0e2f3a4b5c6d
                saved_input_example_info:
                  artifact_path: input_example.json
                  pandas_orient: values
                  type: dataframe
                signature:
                  inputs: '[{"type": "float", "name": "a"}, {"type": "float", "name": "b"}]'
                  outputs: null
                utc_time_created: '2023-12-18 16:40:02.712390'
                """);
        Files.writeString(dir.resolve("input_example.json"), "{\"data\": [[1.0, 2.0], [3.5, 4.5]]}");

        MlflowModel model = MlflowDirectory.read(dir);

        assertEquals(MlflowFlavor.LIGHTGBM, model.flavor());
        assertEquals(ArtifactFormat.LIGHTGBM_TEXT, model.format());
        assertEquals("4.1.0", model.provenance().libraryVersion());
        assertEquals(MlflowSchema.NONE, model.signature().orElseThrow().outputs());
        assertTrue(model.signature().orElseThrow().inputs().columns().get(0).required(), "required unless false");
        assertEquals(List.of("a", "b"), model.inputExample().orElseThrow().columns());
        assertEquals(
                List.of(List.of(3.5, 4.5)),
                model.inputExample().orElseThrow().rows().subList(1, 2));
    }

    /** mlflow.onnx.save_model: a tensor-based signature and an ndarray example, bare (MLflow 3) or under inputs. */
    @Test
    void anOnnxDirectoryGivesItsTensorSignatureAndNdarrayExample() throws Exception {
        TrainedArtifacts.onnx(dir.resolve("model.onnx"));
        String mlmodel = """
                flavors:
                  onnx:
                    code: null
                    data: model.onnx
                    onnx_version: 1.16.1
                    providers:
                    - CUDAExecutionProvider
                    - CPUExecutionProvider
                  python_function:
                    code: null
                    data: model.onnx
                    env:
                      conda: conda.yaml
                      virtualenv: python_env.yaml
                    loader_module: mlflow.onnx
                    python_version: 3.10.12
                mlflow_version: 2.16.2
                model_uuid: 7f3c2a9d1e4b4c6a8b2d0e1f3a5c7e9b
                saved_input_example_info:
                  artifact_path: input_example.json
                  format: tf-serving
                  serving_input_path: serving_input_example.json
                  type: ndarray
                signature:
                  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]'
                  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}, "name":
                    "label"}]'
                utc_time_created: '2024-10-02 08:00:00.000000'
                """;
        Files.writeString(dir.resolve("MLmodel"), mlmodel);
        Files.writeString(dir.resolve("input_example.json"), "{\"inputs\": [[1.5, 0.0], [2.5, 1.0]]}");

        MlflowModel model = MlflowDirectory.read(dir);

        assertEquals(MlflowFlavor.ONNX, model.flavor());
        assertEquals(ArtifactFormat.ONNX, model.format());
        assertEquals("1.16.1", model.provenance().libraryVersion());
        assertEquals(
                List.of(new MlflowTensor(null, "float32", List.of(-1L, 2L))),
                model.signature().orElseThrow().inputs().tensors());
        assertEquals(
                "label",
                model.signature().orElseThrow().outputs().tensors().get(0).name());
        assertEquals(List.of("0", "1"), model.inputExample().orElseThrow().columns());
        assertEquals(
                List.of(List.of(1.5, 0.0), List.of(2.5, 1.0)),
                model.inputExample().orElseThrow().rows());

        Files.writeString(dir.resolve("input_example.json"), "[[0.5, 0.25]]");
        assertEquals(
                List.of(List.of(0.5, 0.25)),
                MlflowDirectory.read(dir).inputExample().orElseThrow().rows());
    }

    /** An example with params is saved as {"inputs": split, "params": {...}}; MLflow 1.x wrote pandas' records. */
    @Test
    void examplesWithParamsAndInRecordsAreRead() throws Exception {
        TrainedArtifacts.xgboost(dir.resolve("model.xgb"));
        Files.writeString(
                dir.resolve("MLmodel"),
                XGBOOST_MLFLOW_2.replace("type: dataframe", "type: dataframe\n  params: 'true'"));
        Files.writeString(
                dir.resolve("input_example.json"),
                "{\"inputs\": {\"columns\": [\"mean radius\", \"mean texture\"], \"data\": [[1, 2]]},"
                        + " \"params\": {\"output_margin\": true}}");
        assertEquals(
                List.of(List.of(1L, 2L)),
                MlflowDirectory.read(dir).inputExample().orElseThrow().rows());

        Files.writeString(
                dir.resolve("MLmodel"), XGBOOST_MLFLOW_2.replace("pandas_orient: split", "pandas_orient: records"));
        Files.writeString(dir.resolve("input_example.json"), "[{\"mean radius\": 1.5, \"mean texture\": true}]");
        MlflowExample records = MlflowDirectory.read(dir).inputExample().orElseThrow();
        assertEquals(List.of("mean radius", "mean texture"), records.columns());
        assertEquals(List.of(List.of(1.5, true)), records.rows());
    }

    /** A directory without an example, and a sparse one, serve without an example. */
    @Test
    void aDirectoryWithoutATabularExampleServesWithoutOne() throws Exception {
        TrainedArtifacts.xgboost(dir.resolve("model.xgb"));
        String withoutExample = XGBOOST_MLFLOW_2.replaceAll("(?s)saved_input_example_info:.*?type: dataframe\n", "");
        Files.writeString(dir.resolve("MLmodel"), withoutExample);
        assertFalse(MlflowDirectory.read(dir).inputExample().isPresent());

        Files.writeString(
                dir.resolve("MLmodel"), XGBOOST_MLFLOW_2.replace("type: dataframe", "type: sparse_matrix_csr"));
        Files.writeString(dir.resolve("input_example.json"), "{\"data\": [1.0], \"indices\": [0], \"indptr\": [0, 1]}");
        assertFalse(MlflowDirectory.read(dir).inputExample().isPresent());
    }

    /** A symbolic link that stays inside the directory is followed to its real path. */
    @Test
    void aSymbolicLinkInsideTheDirectoryIsFollowed() throws Exception {
        Files.createDirectory(dir.resolve("data"));
        TrainedArtifacts.xgboost(dir.resolve("data/booster.json"));
        Files.createSymbolicLink(dir.resolve("model.xgb"), Path.of("data/booster.json"));
        Files.writeString(dir.resolve("MLmodel"), XGBOOST_MLFLOW_2);
        Files.writeString(dir.resolve("input_example.json"), "{\"data\": []}");

        MlflowModel model = MlflowDirectory.read(dir);

        assertEquals(dir.resolve("data/booster.json").toRealPath(), model.artifact());
        assertEquals(ArtifactFormat.XGBOOST_JSON, model.format());
    }

    /**
     * MLflow 1.28 (XGBoost 1.6) and MLflow 2 with XGBoost 2.0 save model.xgb in XGBoost's deprecated binary format;
     * the fixture is what XGBoost 1.7.4 writes for it (fixtures/make_mlflow_deprecated_xgb.py), beginning "binf".
     */
    @Test
    void theDeprecatedBinaryFormatIsRefusedSayingHowToSaveIt() throws Exception {
        Files.copy(
                Path.of("src/test/resources/org/tabserve/fixtures/mlflow/xgboost-1.7.4-model.xgb"),
                dir.resolve("model.xgb"));
        Files.writeString(dir.resolve("MLmodel"), """
                artifact_path: models_mlflow
                flavors:
                  python_function:
                    data: model.xgb
                    env: conda.yaml
                    loader_module: mlflow.xgboost
                    python_version: 3.9.13
                  xgboost:
                    code: null
                    data: model.xgb
                    model_class: xgboost.core.Booster
                    xgb_version: 1.6.2
                mlflow_version: 1.28.0
                model_uuid: c4ee6367d4c74d238c7c16f74437e8dd
                run_id: 272a28f2395e4d75ae627a85fdd8cb90
                utc_time_created: '2022-09-04 23:21:36.309514'
                """);

        MlflowFormatException refused = assertThrows(MlflowFormatException.class, () -> MlflowDirectory.read(dir));

        assertTrue(
                refused.getMessage().startsWith("flavors.xgboost.data is saved in XGBoost's deprecated binary"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("model_format='json'"), refused.getMessage());
    }
}
