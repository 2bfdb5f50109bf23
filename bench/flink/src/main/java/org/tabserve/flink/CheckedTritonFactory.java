package org.tabserve.flink;

import java.io.Serializable;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.model.triton.TritonInferenceModelFunction;
import org.apache.flink.model.triton.TritonModelProviderFactory;
import org.apache.flink.model.triton.TritonTypeMapper;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogModel;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Flink 2.3.0's Triton model provider ({@code 'provider' = 'triton-checked'}, the same options) with its one column
 * check corrected, and nothing else changed: the released {@code AbstractTritonModelFunction.validateSingleColumnSchema}
 * requires {@code expectedType != null && !expectedType.equals(actual)}, so with the {@code null} every caller passes
 * it refuses every model ("input column x should be null, but is a ..."); apache/flink's master has inverted it back.
 * And the released function holds a {@code ByteArrayOutputStream} (its gzip buffer) in a field, which Java cannot
 * serialize, so that the planner cannot ship it to a task ("Unable to serialize object"; master keeps it in a
 * static ThreadLocal): this one is shipped as what makes it ({@link Shipped}) and made again on arrival. The request,
 * the HTTP call and the reading of the answer are the released {@link TritonInferenceModelFunction}'s.
 */
public final class CheckedTritonFactory implements ModelProviderFactory {

    /** The provider's name in {@code CREATE MODEL ... WITH ('provider' = ...)}. */
    public static final String IDENTIFIER = "triton-checked";

    private final TritonModelProviderFactory released = new TritonModelProviderFactory();

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        ResolvedCatalogModel model = context.getCatalogModel();
        Column input = model.getResolvedInputSchema().getColumns().get(0);
        Column output = model.getResolvedOutputSchema().getColumns().get(0);
        Configuration options = Configuration.fromMap(model.getOptions());
        return new TritonModelProviderFactory.Provider(
                new Shipped(options, input.getName(), input.getDataType(), output.getName(), output.getDataType())
                        .function());
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return released.requiredOptions();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return released.optionalOptions();
    }

    /** What a {@link CheckedFunction} is made of, which Java serializes: the model's options and its two columns. */
    record Shipped(Configuration options, String input, DataType inputType, String output, DataType outputType)
            implements Serializable {

        CheckedFunction function() {
            ResolvedCatalogModel model = ResolvedCatalogModel.of(
                    CatalogModel.of(
                            Schema.newBuilder().column(input, inputType).build(),
                            Schema.newBuilder().column(output, outputType).build(),
                            options.toMap(),
                            null),
                    ResolvedSchema.of(Column.physical(input, inputType)),
                    ResolvedSchema.of(Column.physical(output, outputType)));
            ModelProviderFactory.Context context = new ModelProviderFactory.Context() {
                @Override
                public ObjectIdentifier getObjectIdentifier() {
                    return ObjectIdentifier.of("default_catalog", "default_database", "model");
                }

                @Override
                public ResolvedCatalogModel getCatalogModel() {
                    return model;
                }

                @Override
                public ReadableConfig getConfiguration() {
                    return options;
                }

                @Override
                public ClassLoader getClassLoader() {
                    return CheckedTritonFactory.class.getClassLoader();
                }

                @Override
                public boolean isTemporary() {
                    return true;
                }
            };
            return new CheckedFunction(context, options, this);
        }
    }

    /** The released function, with the column check as master has it: one physical column of a Triton type. */
    public static final class CheckedFunction extends TritonInferenceModelFunction {
        private static final long serialVersionUID = 1L;

        private final transient Shipped shipped;

        CheckedFunction(ModelProviderFactory.Context context, ReadableConfig config, Shipped shipped) {
            super(context, config);
            this.shipped = shipped;
        }

        /** Serialized as what makes it, since the released class's gzip buffer cannot be. */
        Object writeReplace() {
            return new Replacement(shipped);
        }

        @Override
        protected void validateSingleColumnSchema(ResolvedSchema schema, LogicalType expectedType, String which) {
            if (schema.getColumns().size() != 1) {
                throw new IllegalArgumentException("the model needs exactly one " + which + " column");
            }
            Column column = schema.getColumns().get(0);
            LogicalType type = column.getDataType().getLogicalType();
            if (!column.isPhysical()
                    || (expectedType != null && !expectedType.equals(type))
                    || (type instanceof ArrayType array && array.getElementType() instanceof ArrayType)) {
                throw new IllegalArgumentException(which + " column " + column.getName() + " cannot be " + type);
            }
            TritonTypeMapper.toTritonDataType(type); // throws for a type Triton has no datatype for
        }
    }

    /** A {@link CheckedFunction} in transit: made again from its {@link Shipped} when read. */
    record Replacement(Shipped shipped) implements Serializable {
        Object readResolve() {
            return shipped.function();
        }
    }
}
