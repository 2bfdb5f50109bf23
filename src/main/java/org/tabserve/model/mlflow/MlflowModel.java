package org.tabserve.model.mlflow;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What an MLflow model directory holds for tabserve: the flavor served, its artifact (a regular file inside the
 * directory, by its real path) and that file's format, which together pick the reader that loads it, and the
 * signature, input example and provenance the directory gives.
 *
 * @param flavor       the served flavor
 * @param artifact     the real path of the model file, checked to lie inside the directory
 * @param format       the model file's format, read from its first bytes
 * @param signature    the signature, when MLmodel has one
 * @param inputExample the input example, when the directory holds one in a tabular layout
 * @param provenance   where the model came from
 */
public record MlflowModel(
        MlflowFlavor flavor,
        Path artifact,
        ArtifactFormat format,
        Optional<MlflowSignature> signature,
        Optional<MlflowExample> inputExample,
        MlflowProvenance provenance) {

    public MlflowModel {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(inputExample, "inputExample");
        Objects.requireNonNull(provenance, "provenance");
    }
}
