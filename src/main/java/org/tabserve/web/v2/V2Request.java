package org.tabserve.web.v2;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * An Open Inference Protocol inference request as a transport delivers it (REST's JSON body, gRPC's
 * {@code ModelInferRequest}), before it is checked against the model: both transports build one, so that
 * {@link V2RequestReader} checks both alike and they are answered, and refused, with the same messages.
 *
 * @param id      the caller's request id, to echo, or null
 * @param inputs  the input tensors in the caller's order
 * @param outputs the names of the outputs asked for, in order; null when none were named (all of the model's)
 * @param explain whether the request's parameters ask for each row's explanation ({@code "explain": true})
 */
record V2Request(String id, List<Input> inputs, List<String> outputs, boolean explain) {

    /**
     * One input tensor as its transport carries it. Its parts are read when the checks reach them, in the same order
     * for every transport, so that a request wrong in two ways is refused for the same first reason on each.
     */
    interface Input {

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
         * The tensor's values in row-major order, each as the JSON value {@link V2Values} reads (a missing value is
         * JSON null, or NaN); how many there are is checked against the shape by the caller.
         *
         * @param shape the shape {@link #shape} read
         * @param input the model input's name, for messages
         * @throws org.tabserve.web.http.HttpProblem 400 naming the input when the values cannot be read
         */
        List<JsonNode> values(long[] shape, String input);
    }
}
