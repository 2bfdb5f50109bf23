package org.tabserve.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.web.v2.V2InferRequestParser;
import org.tabserve.web.v2.V2InferRequestParserTest;
import org.tabserve.web.v2.grpc.V2GrpcReading;

/**
 * The committed seeds of {@link RequestParsersFuzzTest#grpcModelInfer} are what {@link GrpcModelInferSeeds} makes, and
 * each is a valid message the gRPC service reads for its model (so the fuzzer starts from accepted requests).
 */
class GrpcModelInferSeedsTest {

    @Test
    void theCommittedSeedsAreTheGeneratorsAndEachIsReadWhole() throws IOException {
        for (Map.Entry<String, byte[]> seed : GrpcModelInferSeeds.seeds().entrySet()) {
            byte[] committed = Files.readAllBytes(GrpcModelInferSeeds.FOLDER.resolve(seed.getKey()));
            assertArrayEquals(seed.getValue(), committed, seed.getKey() + ": run GrpcModelInferSeeds.main again");
            boolean notes = seed.getKey().startsWith("banknotes");
            ModelSignature signature = notes ? RequestParsersFuzzTest.SIGNATURE : V2InferRequestParserTest.TYPED;
            V2InferRequestParser.V2InferRequest read =
                    V2GrpcReading.read(committed, signature, RequestParsersFuzzTest.MAX_ROWS);
            assertEquals(2, read.batch().size(), seed.getKey());
            assertEquals(!notes, read.explain(), seed.getKey());
            assertTrue(V2InferRequestParser.CLASSIFIER_OUTPUTS.containsAll(read.outputs()), seed.getKey());
        }
    }
}
