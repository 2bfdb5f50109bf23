package org.tabserve.web.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tabserve.model.answer.FieldType;

/**
 * A field with no spelling of its own in the protocol is described by the outputs its type is written as: the OIP
 * document's schemas for it are named and typed as {@link V2Extras#of} writes its tensors.
 */
class V2ExtrasTest {

    @Test
    void aStructsScalarMembersAreOneOutputEachNamedKeyMemberInTheirOrderAndItsTextsNone() {
        FieldType type = new FieldType.Struct(List.of(
                new FieldType.Member("p_value", FieldType.NUMBER, false),
                new FieldType.Member("note", FieldType.TEXT, true),
                new FieldType.Member("novel", FieldType.FLAG, false)));

        Map<String, Schema<?>> schemas = V2Extras.outputSchemas("novelty", type);

        assertEquals(List.of("novelty_p_value", "novelty_novel"), new ArrayList<>(schemas.keySet()));
        assertEquals(List.of("FP64"), enumOf(schemas.get("novelty_p_value"), "datatype"));
        assertEquals(List.of("BOOL"), enumOf(schemas.get("novelty_novel"), "datatype"));
        assertEquals(List.of("novelty_novel"), enumOf(schemas.get("novelty_novel"), "name"));
    }

    @Test
    void aTextIsNoOutput() {
        assertEquals(Map.of(), V2Extras.outputSchemas("note", FieldType.TEXT));
    }

    private static List<Object> enumOf(Schema<?> output, String property) {
        return new ArrayList<>(((Schema<?>) output.getProperties().get(property)).getEnum());
    }
}
