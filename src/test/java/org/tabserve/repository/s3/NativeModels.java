package org.tabserve.repository.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.repository.s3.StoreServers.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import org.tabserve.testing.ForestTraining;
import org.tabserve.testing.Http;
import org.tabserve.testing.ModelDirectory;
import org.tabserve.testing.S3ProxyProcess;

/**
 * Issue 92's models in a bucket, trained here by the libraries themselves ({@link ForestTraining}): an XGBoost 3.4.0
 * booster on the bank notes as {@code notes/1/model.json} with its {@code .sha256}, a LightGBM 4.1 species classifier
 * as {@code penguins/1/model.txt}, the booster as an MLflow model's folder {@code notes-mlflow/1/} (MLmodel,
 * {@code model.xgb} as UBJSON, {@code conda.yaml}, each with its {@code .sha256}); and two hostile MLflow folders:
 * {@code outside/1/}, whose MLmodel names {@code ../../notes/1/model.json}, and {@code crowded/1/}, of more files than
 * a folder may hold. {@link #assertServed} then holds a server of the bucket to the libraries' own predictions, to the
 * bit: XGBoost's float32 probabilities, LightGBM's doubles.
 */
final class NativeModels {

    private final float[][] noteRows;
    private final float[] noteAnswers;
    private final ForestTraining.Penguins penguins;
    private final double[] penguinAnswers;

    private NativeModels(
            float[][] noteRows, float[] noteAnswers, ForestTraining.Penguins penguins, double[] penguinAnswers) {
        this.noteRows = noteRows;
        this.noteAnswers = noteAnswers;
        this.penguins = penguins;
        this.penguinAnswers = penguinAnswers;
    }

    /** Trains the models, predicts with the libraries, and puts them in {@code bucket} under {@code prefix}. */
    static NativeModels putIn(S3ProxyProcess store, String bucket, String prefix) throws Exception {
        Booster notes = ForestTraining.xgboostNotes(30);
        byte[] json = notes.toByteArray("json");
        put(store, bucket, prefix + "notes/1/model.json", json, true);
        String lightgbm = ForestTraining.lightgbmPenguins(25);
        put(store, bucket, prefix + "penguins/1/model.txt", lightgbm.getBytes(StandardCharsets.UTF_8), false);
        put(store, bucket, prefix + "notes-mlflow/1/model.xgb", notes.toByteArray("ubj"), true);
        put(store, bucket, prefix + "notes-mlflow/1/conda.yaml", "name: mlflow-env\n".getBytes(), true);
        put(store, bucket, prefix + "notes-mlflow/1/MLmodel", mlmodel("model.xgb"), true);

        put(store, bucket, prefix + "outside/1/model.xgb", notes.toByteArray("ubj"), false);
        put(store, bucket, prefix + "outside/1/MLmodel", mlmodel("../../notes/1/model.json"), false);
        put(store, bucket, prefix + "crowded/1/model.xgb", notes.toByteArray("ubj"), false);
        put(store, bucket, prefix + "crowded/1/MLmodel", mlmodel("model.xgb"), false);
        for (int i = 0; i < StoreListing.MAX_FOLDER_FILES; i++) {
            put(store, bucket, prefix + "crowded/1/part-" + i + ".bin", new byte[] {(byte) i}, false);
        }

        float[][] rows = ForestTraining.noteRows();
        for (int r = 0; r < rows.length; r++) {
            if (r % 7 == 3) {
                rows[r][r % 4] = Float.NaN; // the trees' default directions answer too
            }
        }
        ForestTraining.Penguins penguins = ForestTraining.penguins();
        return new NativeModels(
                rows,
                ForestTraining.xgboostPredict(notes, rows),
                penguins,
                ForestTraining.lightgbmPredict(
                        lightgbm, penguins.flat(), penguins.rows().length, ForestTraining.PENGUIN_FEATURES.size(), 3));
    }

    private static void put(S3ProxyProcess store, String bucket, String key, byte[] bytes, boolean digest)
            throws Exception {
        store.put(bucket, key, bytes);
        if (digest) {
            store.put(bucket, key + ObjectKeys.DIGEST_SUFFIX, (sha256(bytes) + "  file\n").getBytes());
        }
    }

    /** MLflow 2.14's MLmodel for mlflow.xgboost.save_model(booster, path), its artifact {@code data}. */
    private static byte[] mlmodel(String data) {
        return ("""
                artifact_path: model
                flavors:
                  python_function:
                    data: %1$s
                    env:
                      conda: conda.yaml
                    loader_module: mlflow.xgboost
                    python_version: 3.11.4
                  xgboost:
                    code: null
                    data: %1$s
                    model_class: xgboost.core.Booster
                    model_format: xgb
                    xgb_version: 3.4.0
                mlflow_version: 2.14.2
                model_uuid: 516954aae7c94e91adeed9df76cb4052
                run_id: bf212703d1874eee9dcb37c8a92a6de6
                utc_time_created: '2024-07-01 09:12:44.123456'
                """).formatted(data).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The models serve and answer as their libraries predict, to the bit; the hostile folders are refused in words.
     *
     * @param models  the index once no version is loading
     * @param skipped the index's skipped entries, as text
     */
    void assertServed(Http http, List<JsonNode> models, String skipped) {
        for (String name : List.of("notes", "notes-mlflow", "penguins")) {
            assertEquals(
                    "READY",
                    ModelDirectory.entry(models, name, "1").path("state").asText(),
                    models::toString);
        }
        JsonNode outside = ModelDirectory.entry(models, "outside", "1");
        assertEquals("UNAVAILABLE", outside.path("state").asText(), outside::toString);
        assertTrue(
                outside.path("reason").asText().contains("flavors.xgboost.data climbs out of the model directory"),
                outside::toString);
        assertTrue(
                skipped.contains("s3://digest/models/crowded/1/")
                        && skipped.contains("the MLflow model folder holds " + (StoreListing.MAX_FOLDER_FILES + 2)
                                + " files, more than the " + StoreListing.MAX_FOLDER_FILES),
                skipped);
        assertFalse(ModelDirectory.lists(models, "crowded"), "none of its files is downloaded");
        assertEquals(
                "XGBoost JSON",
                http.get("/models/notes/api/model")
                        .json()
                        .path("format")
                        .path("name")
                        .asText());
        assertEquals(
                "XGBoost UBJSON",
                http.get("/models/notes-mlflow/api/model")
                        .json()
                        .path("format")
                        .path("name")
                        .asText());
        for (String model : List.of("notes", "notes-mlflow")) {
            for (int from = 0; from < noteRows.length; from += 500) {
                int count = Math.min(500, noteRows.length - from);
                JsonNode predictions = predict(http, model, ForestTraining.noteInstances(noteRows, from, count));
                for (int r = 0; r < count; r++) {
                    double served =
                            predictions.get(r).path("probabilities").path("1").doubleValue();
                    assertEquals(
                            Double.doubleToLongBits(noteAnswers[from + r]),
                            Double.doubleToLongBits(served),
                            model + ": bank note " + (from + r) + " against XGBoost's " + noteAnswers[from + r]);
                }
            }
        }
        JsonNode predictions = predict(http, "penguins", ForestTraining.penguinInstances(penguins));
        assertEquals(penguins.rows().length, predictions.size());
        for (int r = 0; r < penguins.rows().length; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(
                        Double.doubleToLongBits(penguinAnswers[3 * r + c]),
                        Double.doubleToLongBits(predictions
                                .get(r)
                                .path("probabilities")
                                .path(Integer.toString(c))
                                .doubleValue()),
                        "penguin " + r + ", class " + c + " against LightGBM's");
            }
        }
    }

    private static JsonNode predict(Http http, String model, ObjectNode body) {
        Http.Response response = http.postJson("/models/" + model + "/api/predict", body.toString());
        assertEquals(200, response.status(), response::text);
        return response.json().get("predictions");
    }
}
