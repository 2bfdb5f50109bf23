package org.tabserve.spark;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The Spark SQL extension that makes each model named in Spark's settings a SQL function of every session, with no
 * call from the JVM: with {@code spark.sql.extensions=org.tabserve.spark.TabserveExtensions} and
 * {@code spark.tabserve.model.banknote=/path/model.onnx}, SQL, PySpark, SparkR and Scala alike call
 * {@code banknote(struct(*))}, which answers as {@link TabserveFunctions#register}'s function does. Each model is read
 * (checked as the server checks a model file) and loaded on the driver as the session starts, and its bytes
 * broadcast once; a setting that names no usable model, or whose name is no function name, fails the session with the
 * setting's name and why.
 */
public final class TabserveExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    /** The settings' prefix: {@code spark.tabserve.model.NAME=PATH} makes the function {@code NAME}. */
    public static final String PREFIX = "spark.tabserve.model.";

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        if (SparkEnv.get() == null) {
            throw new IllegalStateException("TabserveExtensions reads its models from the SparkContext's settings,"
                    + " which has not started: name it in spark.sql.extensions");
        }
        // Spark applies the extensions once the session's SparkContext is active: its settings are the job's.
        SparkContext context = SparkContext.getOrCreate();
        Tuple2<String, String>[] settings = context.getConf().getAllWithPrefix(PREFIX);
        Arrays.sort(settings, Comparator.comparing(Tuple2::_1));
        for (Tuple2<String, String> setting : settings) {
            extensions.injectFunction(
                    ModelFunction.of(setting._1(), setting._2(), context).description());
        }
        return BoxedUnit.UNIT;
    }
}
