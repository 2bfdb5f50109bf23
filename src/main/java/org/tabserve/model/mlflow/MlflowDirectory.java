package org.tabserve.model.mlflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an MLflow model directory (what {@code mlflow.<flavor>.save_model} writes, or a downloaded logged model): its
 * MLmodel, the served flavor's artifact, the signature and the input example; nothing in it is executed.
 */
public final class MlflowDirectory {

    /** The name MLflow gives a model directory's description. */
    public static final String MLMODEL = "MLmodel";

    private MlflowDirectory() {}

    /** @return whether {@code path} is a directory holding an MLmodel file, so an MLflow model to read */
    public static boolean isMlflowDirectory(Path path) {
        return Files.isDirectory(path) && Files.exists(path.resolve(MLMODEL));
    }

    /** Reads a directory within {@link MlflowLimits#DEFAULT}. */
    public static MlflowModel read(Path dir) {
        return read(dir, MlflowLimits.DEFAULT);
    }

    /**
     * @param dir    the model directory (or its MLmodel file, which stands for the directory that holds it)
     * @param limits the bounds it is read within
     * @return the flavor, artifact, format, signature, example and provenance it holds
     * @throws MlflowFormatException when the directory is refused, in words naming the field
     */
    public static MlflowModel read(Path dir, MlflowLimits limits) {
        Path named =
                dir.getFileName() != null && dir.getFileName().toString().equals(MLMODEL) && Files.isRegularFile(dir)
                        ? dir.toAbsolutePath().getParent()
                        : dir;
        InsideDirectory directory = new InsideDirectory(named);
        Path mlmodelFile = directory.file(MLMODEL, MLMODEL);
        Map<String, Object> mlmodel =
                MlmodelYaml.parse(InsideDirectory.read(MLMODEL, mlmodelFile, limits.maxMlmodelBytes()), limits);
        Map.Entry<MlflowFlavor, Map<String, Object>> chosen = FlavorChoice.choose(mlmodel);
        MlflowFlavor flavor = chosen.getKey();
        Map<String, Object> entry = chosen.getValue();
        String field = "flavors." + flavor.key() + ".data";
        Path artifact = directory.file(field, MlmodelYaml.text(entry, "flavors." + flavor.key(), "data"));
        ArtifactFormat format = ArtifactSniffer.format(flavor, field, artifact, entry);
        Optional<MlflowSignature> signature = SignatureReader.read(mlmodel, limits);
        Optional<MlflowExample> example = ExampleReader.read(mlmodel, directory, signature, limits);
        return new MlflowModel(flavor, artifact, format, signature, example, provenance(mlmodel, flavor, entry));
    }

    /**
     * The files a {@link #read} of the directory reads, for a caller that copies the model elsewhere to read it there
     * (the loader's bundle of an MLflow model, which the Spark connector broadcasts): MLmodel, the served flavor's
     * artifact and the input example MLmodel names, if any, each as its path relative to the directory with {@code /}
     * between names.
     *
     * @throws MlflowFormatException when {@link #read} refuses the directory
     */
    public static java.util.List<String> files(Path dir) {
        MlflowModel model = read(dir);
        Path named = dir.getFileName() != null
                        && dir.getFileName().toString().equals(MLMODEL)
                        && java.nio.file.Files.isRegularFile(dir)
                ? dir.toAbsolutePath().getParent()
                : dir;
        InsideDirectory directory = new InsideDirectory(named);
        Path mlmodelFile = directory.file(MLMODEL, MLMODEL);
        java.util.List<Path> files = new java.util.ArrayList<>(java.util.List.of(mlmodelFile, model.artifact()));
        Map<String, Object> mlmodel = MlmodelYaml.parse(
                InsideDirectory.read(MLMODEL, mlmodelFile, MlflowLimits.DEFAULT.maxMlmodelBytes()),
                MlflowLimits.DEFAULT);
        Map<String, Object> info = MlmodelYaml.mapping(mlmodel, "MLmodel", "saved_input_example_info");
        if (info != null) {
            files.add(directory.file(
                    "saved_input_example_info.artifact_path",
                    MlmodelYaml.text(info, "saved_input_example_info", "artifact_path")));
        }
        java.util.List<String> relative = new java.util.ArrayList<>();
        for (Path file : files) {
            String name = directory
                    .root()
                    .relativize(file)
                    .toString()
                    .replace(file.getFileSystem().getSeparator(), "/");
            if (!relative.contains(name)) {
                relative.add(name);
            }
        }
        return relative;
    }

    private static MlflowProvenance provenance(
            Map<String, Object> mlmodel, MlflowFlavor flavor, Map<String, Object> entry) {
        String at = "flavors." + flavor.key();
        return new MlflowProvenance(
                MlmodelYaml.text(mlmodel, "MLmodel", "run_id"),
                MlmodelYaml.text(mlmodel, "MLmodel", "model_uuid"),
                MlmodelYaml.text(mlmodel, "MLmodel", "model_id"),
                MlmodelYaml.text(mlmodel, "MLmodel", "mlflow_version"),
                MlmodelYaml.text(mlmodel, "MLmodel", "utc_time_created"),
                MlmodelYaml.text(mlmodel, "MLmodel", "artifact_path"),
                MlmodelYaml.text(mlmodel, "MLmodel", "name"),
                MlmodelYaml.text(entry, at, flavor.versionKey()),
                MlmodelYaml.text(entry, at, "model_class"),
                MlmodelYaml.text(entry, at, "model_format"));
    }
}
