package org.tabserve.spark;

import java.io.Serializable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelException;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Nil$;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * One model of {@link TabserveExtensions}' settings as a function in Spark's function registry: it builds each call of
 * {@code NAME(struct(...))} into a Scala UDF of {@link TabserveFunctions}' row function, after checking that its one
 * argument is a struct with a field for each of the model's inputs, so that a wrong call fails at analysis, naming what
 * is wrong, before any task runs.
 */
final class ModelFunction extends AbstractFunction1<Seq<Expression>, Expression> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private final String name;
    private final TabserveFunctions.SqlModel model;
    private final TabserveFunctions.RowFunction function;

    private ModelFunction(String name, TabserveFunctions.SqlModel model, SparkContext context) {
        this.name = name;
        this.model = model;
        this.function = model.function(context);
    }

    /**
     * @param name the function's name, the setting's last part
     * @param path the model file the setting names, read on the driver
     * @throws IllegalArgumentException naming the setting and why, when the name is no function name (or one of
     *     Spark's own) or the file is no usable model
     */
    static ModelFunction of(String name, String path, SparkContext context) {
        String setting = TabserveExtensions.PREFIX + name;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(setting + ": '" + name + "' is no function name (letters, digits and _,"
                    + " not starting with a digit, at most 128)");
        }
        if (FunctionRegistry.functionSet().contains(new FunctionIdentifier(name.toLowerCase(Locale.ROOT)))) {
            throw new IllegalArgumentException(
                    setting + ": '" + name + "' is one of Spark's own functions; name the model otherwise");
        }
        if (path.isBlank()) {
            throw new IllegalArgumentException(setting + ": names no model file");
        }
        try {
            return new ModelFunction(name, TabserveFunctions.SqlModel.of(Path.of(path)), context);
        } catch (ModelException | InvalidPathException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
        }
    }

    /** @return what {@code SparkSessionExtensions.injectFunction} takes */
    Tuple3<FunctionIdentifier, ExpressionInfo, scala.Function1<Seq<Expression>, Expression>> description() {
        ExpressionInfo info = new ExpressionInfo(
                ModelFunction.class.getName(),
                null,
                name,
                name + "(struct(*)) - the answer of the tabserve model of " + TabserveExtensions.PREFIX + name
                        + " for a struct whose fields name its inputs, with the row's errors",
                "",
                "",
                "",
                "",
                "",
                "",
                "java_udf");
        return new Tuple3<>(new FunctionIdentifier(name), info, this);
    }

    @Override
    public Expression apply(Seq<Expression> children) {
        if (children.length() != 1) {
            throw new IllegalArgumentException(name + " takes one argument, a struct whose fields name the model's"
                    + " inputs, as " + name + "(struct(*)); got " + children.length());
        }
        DataType type = children.head().dataType();
        if (!(type instanceof StructType struct)) {
            throw new IllegalArgumentException(name + " takes a struct whose fields name the model's inputs, as " + name
                    + "(struct(*)); got " + type.simpleString());
        }
        List<String> fields = List.of(struct.fieldNames());
        for (Feature feature : model.features()) {
            if (!fields.contains(feature.name())) {
                throw new IllegalArgumentException(name + ": the struct has no field '" + feature.name()
                        + "', which the model takes; its fields are " + fields);
            }
        }
        @SuppressWarnings("unchecked")
        Seq<Option<ExpressionEncoder<?>>> untyped = (Seq<Option<ExpressionEncoder<?>>>) (Seq<?>) Nil$.MODULE$;
        // No encoders: the struct comes to the function as a Row with its schema, as to a Java UDF of one Row.
        return new ScalaUDF(
                new Call(function), model.type(), children, untyped, Option.empty(), Option.apply(name), true, true);
    }

    /** The row function as the Scala function a {@link ScalaUDF} calls, on the executors. */
    private static final class Call extends AbstractFunction1<Object, Object> implements Serializable {

        private static final long serialVersionUID = 1L;

        private final TabserveFunctions.RowFunction function;

        Call(TabserveFunctions.RowFunction function) {
            this.function = function;
        }

        @Override
        public Object apply(Object row) {
            return function.call((Row) row);
        }
    }
}
