package org.tabserve.web.v2;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.List;
import org.tabserve.model.signature.Feature;
import org.tabserve.model.signature.ModelInput;

/**
 * An Open Inference Protocol inference request as a transport delivers it (REST's JSON body, gRPC's
 * {@code ModelInferRequest}), before it is checked against the model: both transports build one, so that
 * {@link V2RequestReader} checks both alike and they are answered, and refused, with the same messages.
 *
 * @param id      the caller's request id, to echo, or null
 * @param inputs  the input tensors in the caller's order
 * @param outputs the names of the outputs asked for, in order; null when none were named (all of the model's)
 * @param explain  whether the request's parameters ask for each row's explanation ({@code "explain": true})
 * @param coverage the coverage the request's parameters ask for ({@code "coverage": 0.9}), or null
 */
public record V2Request(String id, List<Input> inputs, List<String> outputs, boolean explain, Double coverage) {

    /**
     * One input tensor as its transport carries it. Its parts are read when the checks reach them, in the same order
     * for every transport, so that a request wrong in two ways is refused for the same first reason on each.
     */
    public interface Input {

        /** @return the tensor's name */
        String name();

        /**
         * @param input the model input's name, for messages
         * @return the tensor's dimensions, each {@code >= 0}
         * @throws org.tabserve.web.http.HttpProblem 400 naming the input when the transport's shape is not one
         */
        long[] shape(String input);

        /** @return the tensor's datatype, or null when none was given */
        String datatype();

        /**
         * The tensor's values in row-major order; how many there are is checked against the shape by the caller.
         *
         * @param shape the shape {@link #shape} read
         * @param input the model input's name, for messages
         * @throws org.tabserve.web.http.HttpProblem 400 naming the input when the values cannot be read
         */
        Values values(long[] shape, String input);
    }

    /**
     * A tensor's values in row-major order, each readable as the JSON value {@link V2Values} reads (a missing value is
     * JSON null, or NaN) and as the cell it becomes by V2Values' rules. A transport whose values are typed already
     * (gRPC's) reads the cells straight from them, and goes through the JSON value only for one V2Values would refuse,
     * so that the words are REST's.
     */
    public abstract static class Values extends AbstractList<JsonNode> {

        /** A JSON body's values, as they are. */
        static Values of(List<JsonNode> nodes) {
            return new Values() {
                @Override
                public JsonNode get(int index) {
                    return nodes.get(index);
                }

                @Override
                public int size() {
                    return nodes.size();
                }
            };
        }

        /**
         * Value {@code index} as the cell {@link org.tabserve.model.signature.Batch#of} takes ({@link V2Values#cell}).
         *
         * @throws org.tabserve.web.http.HttpProblem 400 naming the input, the value and what is wrong with it
         */
        protected Object cell(int index, String datatype, ModelInput input, Feature feature) {
            return V2Values.cell(get(index), datatype, input, feature, index);
        }

        /**
         * Value {@code index} of a FLOAT or DOUBLE input whose values may not be missing, as {@link #cell}, unboxed.
         *
         * @throws org.tabserve.web.http.HttpProblem as {@link #cell}
         */
        protected double number(int index, String datatype, ModelInput input, Feature feature) {
            return ((Number) cell(index, datatype, input, feature)).doubleValue();
        }
    }
}
