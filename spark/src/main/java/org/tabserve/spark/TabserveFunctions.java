package org.tabserve.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.Model;
import org.tabserve.model.answer.AnswerAssembler;
import org.tabserve.model.answer.SentOrder;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.Task;
import org.tabserve.rows.read.CellRows;

/**
 * A tabserve model as a Spark SQL function, registered by one call: {@code name(struct(*))} answers a row whose
 * fields the model's inputs name with a struct of the answer's fields (as {@link TabserveModel}'s answer column) and
 * {@code errors}. It scores row by row on each executor's one session ({@link ModelCache}); {@link TabserveModel}
 * scores in batches and is the faster way for a whole table.
 *
 * <pre>{@code
 * TabserveFunctions.register(spark, "banknote", "model.onnx");
 * spark.sql("SELECT id, banknote(struct(*)).label FROM notes");
 * }</pre>
 */
public final class TabserveFunctions {

    private TabserveFunctions() {}

    /**
     * Registers the model at {@code modelPath} (read on the driver, broadcast once) as the function {@code name}.
     *
     * @return the function's result type
     */
    public static StructType register(SparkSession spark, String name, String modelPath) {
        SqlModel model = SqlModel.of(Path.of(modelPath)); // checked as the server checks a model file
        spark.udf().register(name, model.function(spark.sparkContext()), model.type());
        return model.type();
    }

    /**
     * A model read and loaded on the driver, ready to be a function: its bytes, their SHA-256 and its answer's
     * columns ({@link #register} and {@link TabserveExtensions} make their functions of it).
     */
    record SqlModel(byte[] bytes, String sha256, String fileName, ResultColumns columns) {

        /** Reads the model file on the driver, bounded as the server reads it ({@link ModelLoader#bytes}). */
        static SqlModel of(Path file) {
            byte[] bytes = ModelLoader.bytes(file);
            String sha256 = ModelCache.sha256(bytes);
            String fileName = String.valueOf(file.getFileName());
            Model model = ModelCache.model(sha256, fileName, () -> bytes);
            return new SqlModel(
                    bytes,
                    sha256,
                    fileName,
                    new ResultColumns(
                            model.signature().task() == Task.CLASSIFICATION,
                            false,
                            false,
                            model.signature().classLabels()));
        }

        /** @return the model's inputs, in its order */
        List<Feature> features() {
            return ModelCache.model(sha256, fileName, () -> bytes).signature().features();
        }

        /** @return the function's result type: the answer's fields and {@code errors} */
        StructType type() {
            return columns.answerType().add("errors", ResultColumns.ERRORS);
        }

        /** @return the function, the model's bytes broadcast once by {@code context} */
        RowFunction function(SparkContext context) {
            Broadcast<byte[]> broadcast =
                    JavaSparkContext.fromSparkContext(context).broadcast(bytes);
            return new RowFunction(broadcast, sha256, fileName, columns);
        }
    }

    /** The function itself: one row's fields to its answer and errors. */
    record RowFunction(Broadcast<byte[]> bytes, String sha256, String fileName, ResultColumns columns)
            implements UDF1<Row, Row> {

        @Override
        public Row call(Row row) {
            Model model = ModelCache.model(sha256, fileName, bytes::value);
            List<Feature> features = model.signature().features();
            List<String> names = List.of(row.schema().fieldNames());
            Object[] cells = new Object[features.size()];
            for (int f = 0; f < cells.length; f++) {
                int at = names.indexOf(features.get(f).name());
                if (at < 0) {
                    throw new IllegalArgumentException("the function's struct has no field '"
                            + features.get(f).name() + "', which the model takes; its fields are " + names);
                }
                cells[f] = row.get(at);
            }
            CellRows.Checked checked = CellRows.check(model.signature(), new ArrayList<>(List.<Object[]>of(cells)));
            ScoredCells scored = ScoredCells.score(checked, AnswerAssembler.offline(model));
            int width = columns.answerType().size();
            Object[] values = new Object[width + 1];
            if (scored.order().scoredAt(0) != SentOrder.REFUSED) {
                Object[] answer = columns.answer(scored.scored().row(0));
                System.arraycopy(answer, 0, values, 0, width);
            } else {
                values[width] = ResultColumns.errors(scored.errors().get(0));
            }
            return RowFactory.create(values);
        }
    }
}
