package org.tabserve.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.ModelException;

/** A failed load's reason, which anonymous callers read: the file as the directory names it, no path of the server. */
class LoadFailureTest {

    private static final Path DIR = Path.of("/srv/models");

    @Test
    void namesTheFileInTheDirectoryAndCutsAnyOtherAbsolutePathToItsName() {
        Path file = DIR.resolve("titanic/1/model.onnx");
        ModelException refused = ModelException.unusable(
                file.toString(),
                "its private copy /var/tmp/tabserve-83/copy-1.onnx" + " and " + file + " differ",
                null);
        assertEquals(
                "cannot serve model titanic version 1 (titanic/1/model.onnx): its private copy copy-1.onnx and"
                        + " titanic/1/model.onnx differ",
                LoadFailure.reason(new ModelKey("titanic", 1), DIR, file, LoadFailure.shown(DIR, file), refused));
    }

    @Test
    void anUnexpectedFailureIsSaidWithoutItsJavaClass() {
        Path file = DIR.resolve("m.onnx");
        assertEquals(
                "cannot serve model m version 1 (m.onnx): loading failed unexpectedly; the server log has the"
                        + " details under the file's name",
                LoadFailure.reason(
                        new ModelKey("m", 1),
                        DIR,
                        file,
                        "m.onnx",
                        new ArrayIndexOutOfBoundsException("Index 1 out of bounds for length 0")));
    }

    @Test
    void leavesShapesRatiosAndUrlsAlone() {
        assertEquals(
                "a float tensor [N, 3]; 1/2; see https://onnx.ai/onnx/",
                LoadFailure.otherPaths("a float tensor [N, 3]; 1/2; see https://onnx.ai/onnx/"));
    }
}
