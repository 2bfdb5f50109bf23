package org.tabserve.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledDataTest {

    @Test
    void readsFeaturesInFileOrderAndTheLabelColumnAnywhere(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "b,class,a\n1.5,x,-2\n3,y,4e1\n");
        LabeledData data = LabeledData.read(csv, "class");
        assertEquals(List.of("b", "a"), data.featureNames());
        assertArrayEquals(new double[] {1.5, -2}, data.rows().get(0));
        assertArrayEquals(new double[] {3, 40}, data.rows().get(1));
        assertEquals(List.of("x", "y"), data.labels());
        assertEquals(List.of("x", "y"), data.classes());
    }

    @Test
    void refusesANonNumericValueNamingLineAndColumn(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,class\n1,x\nNaN,y\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabeledData.read(csv, "class"));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void refusesAFileWithoutTheLabelColumn(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabeledData.read(csv, "class"));
        assertTrue(e.getMessage().contains("no column 'class'"), e.getMessage());
    }
}
