package org.tabserve.model.mlflow;

/**
 * The bounds an MLflow model directory is read within, each checked before what it bounds costs memory; a directory
 * past one is refused naming the bound.
 *
 * @param maxMlmodelBytes the largest {@code MLmodel} file read
 * @param maxExampleBytes the largest input example file read
 * @param maxNesting      the deepest nesting of the YAML document and of a JSON one (signature, input example)
 * @param maxAliases      the most YAML aliases to collections (a "billion laughs" document needs many)
 * @param maxYamlNodes    the most YAML nodes (scalars, sequences, mappings, aliases), counted on the event stream
 *     before any is kept: a megabyte of one-character scalars would cost a small heap hundreds of megabytes
 * @param maxColumns      the most columns of a signature, and of an input example's row
 * @param maxExampleCells the most values in an input example, all rows together
 */
public record MlflowLimits(
        int maxMlmodelBytes,
        int maxExampleBytes,
        int maxNesting,
        int maxAliases,
        int maxYamlNodes,
        int maxColumns,
        int maxExampleCells) {

    /**
     * What a server reads by default: a 1 MB MLmodel of at most 20,000 YAML nodes (MLflow writes a few dozen: a
     * signature is one text), 32 levels, 16 aliases; 100,000 columns; a 1 MB example of at most 100,000 values.
     */
    public static final MlflowLimits DEFAULT = new MlflowLimits(1 << 20, 1 << 20, 32, 16, 20_000, 100_000, 100_000);
}
