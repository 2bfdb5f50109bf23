package org.tabserve.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The name a model's file gives it when its card and graph give none: never the temporary name of an install. */
class FileNameTest {

    @Test
    void isTheFilesNameWithoutOnnxAndAnInstallsTargetNotItsTemporaryFile() {
        assertEquals("iris", OnnxModelLoader.fileName(Path.of("/srv/models/iris.onnx")));
        assertEquals("model", OnnxModelLoader.fileName(Path.of("species/1/model.onnx")));
        // what the repository's installer writes before renaming it into place
        assertEquals("ks", OnnxModelLoader.fileName(Path.of("/srv/models/.ks." + UUID.randomUUID() + ".onnx.part")));
        assertEquals(".hidden.part", OnnxModelLoader.fileName(Path.of(".hidden.part")), "only the installer's form");
    }
}
