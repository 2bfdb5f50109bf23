package org.tabserve.spark;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.conformal.RowUncertainty;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.Task;

/**
 * A tabserve model as a Spark ML {@link Transformer}: every row of a DataFrame whose columns the model's inputs name
 * gets the answer the server gives for it (column {@code outputCol}) or the errors that keep it from one (column
 * {@code errorCol}, as {@code ?on_error=row} does); the model's bytes are broadcast once and each executor JVM scores
 * every partition with its one model ({@link ModelCache}: an ONNX file's one ONNX Runtime session, or an XGBoost or
 * LightGBM file, or an MLflow directory of one, read by the server's own reader), in batches of {@code batchSize}
 * rows.
 *
 * <pre>{@code new TabserveModel().setModelPath("model.onnx").transform(df)}</pre>
 */
public final class TabserveModel extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final DoubleParam coverage;
    private final BooleanParam failOnError;
    private final BooleanParam sessionPerPartition;
    private final BooleanParam explain;

    public TabserveModel() {
        this(Identifiable.randomUID("tabserve"));
    }

    public TabserveModel(String uid) {
        this.uid = uid;
        modelPath = new Param<>(
                this,
                "modelPath",
                "the model's file (ONNX, XGBoost JSON or UBJSON, LightGBM text) or MLflow model directory, on the driver");
        outputCol = new Param<>(this, "outputCol", "the column of each row's answer");
        errorCol = new Param<>(this, "errorCol", "the column of each row's errors, null when it was scored");
        batchSize = new IntParam(this, "batchSize", "rows scored at once", ParamValidators.inRange(1, 1_000_000));
        coverage = new DoubleParam(
                this,
                "coverage",
                "the coverage of each answer's prediction set or interval, from the model card's conformal calibration",
                ParamValidators.inRange(0.5, 0.99));
        failOnError = new BooleanParam(this, "failOnError", "whether a row the model cannot score fails the job");
        setDefault(outputCol, "prediction");
        setDefault(errorCol, "errors");
        setDefault(batchSize, 4096);
        sessionPerPartition = new BooleanParam(
                this,
                "sessionPerPartition",
                "a new session for each partition instead of one per executor JVM: only for the benchmark's comparison");
        setDefault(failOnError, false);
        setDefault(sessionPerPartition, false);
        explain = new BooleanParam(
                this,
                "explain",
                "whether each answer carries its explanation (the card's background needed), as \"explain\": true");
        setDefault(explain, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam coverage() {
        return coverage;
    }

    public BooleanParam failOnError() {
        return failOnError;
    }

    public BooleanParam explain() {
        return explain;
    }

    public TabserveModel setExplain(boolean value) {
        set(explain, value);
        return this;
    }

    public BooleanParam sessionPerPartition() {
        return sessionPerPartition;
    }

    public TabserveModel setSessionPerPartition(boolean value) {
        set(sessionPerPartition, value);
        return this;
    }

    public TabserveModel setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public TabserveModel setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public TabserveModel setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    public TabserveModel setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public TabserveModel setCoverage(double value) {
        set(coverage, value);
        return this;
    }

    public TabserveModel setFailOnError(boolean value) {
        set(failOnError, value);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Loaded loaded = load();
        StructType schema = dataset.schema();
        List<Feature> features = loaded.model().signature().features();
        int[] inputs = new int[features.size()];
        for (int f = 0; f < inputs.length; f++) {
            inputs[f] = column(schema, features.get(f).name());
        }
        StructType out = transformSchema(schema);
        Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(
                        dataset.sparkSession().sparkContext())
                .broadcast(loaded.bytes());
        TextBytes text = TextBytes.of(schema);
        boolean[] textInputs = new boolean[inputs.length];
        for (int f = 0; f < inputs.length; f++) {
            textInputs[f] = text.bytes(inputs[f]);
        }
        PartitionScorer scorer = new PartitionScorer(
                bytes,
                loaded.sha256(),
                loaded.fileName(),
                inputs,
                (Integer) getOrDefault(batchSize),
                coverageAsked(),
                (Boolean) getOrDefault(failOnError),
                columns(loaded.model()),
                (Boolean) getOrDefault(sessionPerPartition),
                (Boolean) getOrDefault(explain),
                NumberRows.of(loaded.model().signature(), schema, inputs),
                textInputs);
        return text.out(
                text.in(dataset.toDF()).mapPartitions(scorer, Encoders.row(text.scored(out))),
                out,
                getOrDefault(outputCol));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Model model = load().model();
        for (Feature feature : model.signature().features()) {
            column(schema, feature.name());
        }
        // The answer's request-level values are the model's alone: what the job asks of its rows changes none of them.
        return columns(model)
                .schema(
                        schema,
                        getOrDefault(outputCol),
                        getOrDefault(errorCol),
                        AnswerAssembler.offline(model).source());
    }

    @Override
    public TabserveModel copy(ParamMap extra) {
        return (TabserveModel) defaultCopy(extra);
    }

    private ResultColumns columns(Model model) {
        return new ResultColumns(
                model.signature().task() == Task.CLASSIFICATION,
                coverageAsked() != null,
                (Boolean) getOrDefault(explain),
                model.signature().classLabels());
    }

    private Double coverageAsked() {
        return isDefined(coverage) ? (Double) getOrDefault(coverage) : null;
    }

    private static int column(StructType schema, String feature) {
        if (!List.of(schema.fieldNames()).contains(feature)) {
            throw new IllegalArgumentException("the DataFrame has no column '" + feature + "', which the model takes;"
                    + " its columns are " + List.of(schema.fieldNames()));
        }
        return schema.fieldIndex(feature);
    }

    /** The model's bytes, read on the driver, and its session in the driver's JVM (for its signature and card). */
    private record Loaded(byte[] bytes, String sha256, String fileName, Model model) {}

    private Loaded load() {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("no model: setModelPath(\"model.onnx\") names the model's file (ONNX,"
                    + " XGBoost JSON or UBJSON, LightGBM text) or MLflow model directory");
        }
        // Checked as the server checks a model file before a byte is read (issue 61, item 10: /dev/zero ran the
        // driver out of memory): a regular file of at most 2 GB (ONNX) or the tree readers' bound (XGBoost, LightGBM).
        Path file = Path.of(getOrDefault(modelPath));
        byte[] bytes = ModelLoader.bytes(file);
        String sha256 = ModelCache.sha256(bytes);
        String fileName = String.valueOf(file.getFileName());
        Model model = ModelCache.model(sha256, fileName, () -> bytes);
        Double asked = coverageAsked();
        if (asked != null) {
            if (model.card().conformal() == null) {
                throw new IllegalArgumentException("coverage: the model's card has no conformal calibration; give it"
                        + " one with the card command's --calibration");
            }
            RowUncertainty.at(model.card().conformal(), asked);
        }
        if ((Boolean) getOrDefault(explain) && model.card().background() == null) {
            throw new IllegalArgumentException("explain: the model's card has no background sample to explain against;"
                    + " give it one with the card command (--data)");
        }
        return new Loaded(bytes, sha256, fileName, model);
    }
}
