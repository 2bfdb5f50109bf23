package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 66, item 6: README's route table says which model the root routes answer under {@code --models}, in the
 * words of {@code ModelRepository.defaultModel()} (whose behaviour {@code DefaultModelChangesTest} holds): the one
 * {@code --default-model} names, else the first by name of the ready models with a card, else the first ready; and
 * where to read it ({@code /health/ready}) and how to reach the others. Before, it said "the default model" and no
 * more.
 */
class RootRoutesDocTest {

    @Test
    void readmesRouteTableSaysWhichModelTheRootRoutesAnswerUnderModels() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Routes\n");
        assertTrue(start >= 0, "README has a section ## Routes");
        String intro = readme.substring(start, readme.indexOf("\n| route | what |", start));
        for (String needed : List.of(
                "`--models`",
                "`--default-model NAME`",
                "first by name of the ready models that have a\ncard",
                "first by name of the ready ones",
                "`/health/ready` names it",
                "`/models/{name}/...`",
                "`/api/predict`",
                "`/predict_file`",
                "`/invocations`")) {
            assertTrue(intro.contains(needed), "README's routes say " + needed + ":\n" + intro);
        }
    }
}
