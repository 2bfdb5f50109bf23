package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What issue 51 (item 8) found wrong in the docs stays right: the bug a page cites is the one it means, a pointer
 * from the Dockerfile to a doc's section names a section that file has, and the container pages say how a container
 * finds a directory of models.
 */
class DocReferencesTest {

    private static String read(String file) throws Exception {
        return Files.readString(Path.of(file));
    }

    /** The text of the section under {@code heading} (a Markdown heading line), up to the next heading of its level. */
    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "no heading " + heading);
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = markdown.indexOf("\n" + level, start + heading.length() + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    @Test
    void theTrailersOnlyBugIsCitedAsGrpcJavasEverywhere() throws Exception {
        for (String file : new String[] {"docs/routes.md", "docs/deploy.md", "README.md"}) {
            String text = read(file);
            assertFalse(text.contains("apache/tomcat#10124"), file + " cites Tomcat for grpc-java's issue 10124");
        }
        assertTrue(read("docs/routes.md").contains("grpc/grpc-java#10124"));
    }

    @Test
    void everyDocSectionTheDockerfileNamesIsInTheFileItNames() throws Exception {
        Matcher pointer = Pattern.compile("([\\w/]+\\.md), \"([^\"]+)\"").matcher(read("Dockerfile"));
        int found = 0;
        while (pointer.find()) {
            String doc = read(pointer.group(1));
            assertTrue(
                    doc.contains("\n## " + pointer.group(2) + "\n") || doc.contains("\n### " + pointer.group(2) + "\n"),
                    pointer.group(1) + " has no section \"" + pointer.group(2) + "\"");
            found++;
        }
        assertTrue(found > 0, "the Dockerfile points to the section on a directory of models");
        assertFalse(read("Dockerfile").contains("README \""), "the Dockerfile names a README section");
    }

    @Test
    void theContainerPagesSayHowAContainerFindsADirectoryOfModels() throws Exception {
        String containers = section(read("docs/operations.md"), "## Settings and limits in any container");
        assertTrue(containers.contains("TABSERVE_MODELS") && containers.contains("tabserve.models"), containers);
        assertTrue(containers.contains("{\"serving\": 1}"), "how to undo a promote: " + containers);
        String tomcat = section(read("docs/deploy.md"), "## Tomcat");
        assertTrue(tomcat.contains("tabserve.models") && tomcat.contains("TABSERVE_MODELS"), tomcat);
    }
}
