package org.tabserve.model.trees.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.trees.ForestFormatException;
import org.tabserve.model.trees.ForestLimits;
import org.tabserve.model.trees.xgboost.Tokens.Kind;

/**
 * The UBJSON reader on containers XGBoost does not write but UBJSON allows ({@code ]}- and {@code }}-closed, no-op
 * markers, big-endian integers of every width), and on its refusals: a typed container of a type it does not read.
 */
class UbjsonTokensTest {

    @Test
    void readsUncountedContainersAndEveryScalar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'{', 'i', 1, 'a', '[', 'N', 'i', -5, 'U', (byte) 200, 'I', 1, 0, 'l', 0, 1, 0, 0});
        out.writeBytes(new byte[] {'L', 0, 0, 0, 1, 0, 0, 0, 0, 'd', 0x3f, (byte) 0xc0, 0, 0, 'T', 'F', 'Z', ']'});
        out.writeBytes(new byte[] {'U', 1, 'b', 'S', 'i', 2});
        out.writeBytes("é".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'i', 1, 'c', '[', '$', 'l', '#', 'i', 2, 0, 0, 0, 7, -1, -1, -1, -1, '}'});
        UbjsonTokens tokens = new UbjsonTokens(out.toByteArray(), ForestLimits.DEFAULT);
        List<String> seen = new ArrayList<>();
        for (Kind k = tokens.next(); k != Kind.END; k = tokens.next()) {
            seen.add(
                    switch (k) {
                        case NAME, STRING -> k + ":" + tokens.text();
                        case INTEGER -> "INTEGER:" + tokens.integer();
                        case FLOAT -> "FLOAT:" + tokens.number();
                        default -> k.toString();
                    });
        }
        assertEquals(
                List.of(
                        "OBJECT",
                        "NAME:a",
                        "ARRAY",
                        "INTEGER:-5",
                        "INTEGER:200",
                        "INTEGER:256",
                        "INTEGER:65536",
                        "INTEGER:4294967296",
                        "FLOAT:1.5",
                        "TRUE",
                        "FALSE",
                        "NULL",
                        "END_ARRAY",
                        "NAME:b",
                        "STRING:é",
                        "NAME:c",
                        "ARRAY",
                        "INTEGER:7",
                        "INTEGER:-1",
                        "END_ARRAY",
                        "END_OBJECT"),
                seen);
    }

    @Test
    void refusesATypedContainerOfContainers() {
        byte[] file = {'{', 'i', 1, 'a', '[', '$', '[', '#', 'i', 1, '#', 'i', 0, '}'};
        UbjsonTokens tokens = new UbjsonTokens(file, ForestLimits.DEFAULT);
        tokens.next();
        tokens.next();
        ForestFormatException e = assertThrows(ForestFormatException.class, tokens::next);
        assertEquals(true, e.getMessage().contains("typed container"), e.getMessage());
    }
}
