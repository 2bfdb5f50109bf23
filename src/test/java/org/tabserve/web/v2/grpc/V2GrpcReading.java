package org.tabserve.web.v2.grpc;

import inference.ModelInferRequest;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.serving.budget.MemoryBudget;
import org.tabserve.web.v2.V2InferRequestParser;
import org.tabserve.web.v2.V2RequestChecks;

/**
 * A gRPC ModelInfer message's bytes read exactly as the service reads them (its footprint reserved, parsed, turned into
 * the transport-neutral request and checked against a model's signature), for the tests outside {@code web.v2.grpc} that
 * need it: the fuzz tests of {@code web.api}.
 */
public final class V2GrpcReading {

    private static final MemoryBudget BUDGET = MemoryBudget.ofHeap();

    private V2GrpcReading() {}

    /**
     * @throws org.tabserve.web.http.HttpProblem as the service refuses the message (its status then REST's)
     */
    public static V2InferRequestParser.V2InferRequest read(byte[] message, ModelSignature signature, int maxRows) {
        try (MemoryBudget.Reservation held = BUDGET.open()) {
            ModelInferRequest request = V2GrpcIntake.parse(message, ModelInferRequest.getDefaultInstance(), held);
            return V2RequestChecks.read(V2GrpcMessages.request(request), signature, maxRows);
        }
    }
}
