package org.tabserve.web.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.RowFormat;
import org.tabserve.rows.RowsFixtures;
import org.tabserve.rows.field.OnError;
import org.tabserve.testing.TableFiles;

/** An Arrow body on {@code /invocations} whose number column feeds a text input: taken as text and told once. */
class ArrowInvocationsTest {

    @Test
    void aNumberColumnForATextInputIsToldOnceInTheBodysWarnings() throws Exception {
        byte[] body;
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector island = new BigIntVector("island", allocator);
                VarCharVector sex = new VarCharVector("sex", allocator);
                IntVector count = new IntVector("count", allocator);
                Float4Vector mass = new Float4Vector("mass", allocator);
                BitVector adult = new BitVector("adult", allocator)) {
            island.allocateNew(1);
            island.set(0, 1);
            sex.allocateNew(1);
            sex.setSafe(0, "MALE".getBytes(StandardCharsets.UTF_8));
            count.allocateNew(1);
            count.set(0, 3);
            mass.allocateNew(1);
            mass.set(0, 3750f);
            adult.allocateNew(1);
            adult.set(0, 1);
            for (var vector : List.of(island, sex, count, mass, adult)) {
                vector.setValueCount(1);
            }
            VectorSchemaRoot root = VectorSchemaRoot.of(island, sex, count, mass, adult);
            body = TableFiles.write(root, List.of());
        }
        MlflowRequestParser.RowsBody rows = new MlflowRequestParser(RowsFixtures.TYPED_CELLS, 100)
                .parseRows(new ByteArrayInputStream(body), RowFormat.ARROW, OnError.REJECT, 100);
        assertEquals(1, rows.chunks().get(0).size());
        List<RangeWarning> warnings = rows.warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).message().contains("'island' is a text input"), warnings.toString());
    }
}
