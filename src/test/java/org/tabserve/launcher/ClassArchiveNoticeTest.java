package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the launcher says that the class archive it was given is not mapped, and when it keeps quiet. */
class ClassArchiveNoticeTest {

    @Test
    void anArchiveGivenButNotMappedIsNamed() {
        Optional<String> line = ClassArchiveNotice.of(Optional.of("target/tabserve.jsa"), "mixed mode");

        assertTrue(line.orElseThrow().startsWith("the class archive target/tabserve.jsa was not found"), line.get());
    }

    @Test
    void noArchiveGivenOrOneMappedSaysNothing() {
        assertEquals(Optional.empty(), ClassArchiveNotice.of(Optional.empty(), "mixed mode"));
        assertEquals(Optional.empty(), ClassArchiveNotice.of(Optional.of("tabserve.jsa"), "mixed mode, sharing"));
    }

    /** The tests' JVM is given no archive. */
    @Test
    void thisJvmHasNothingToSay() {
        assertEquals(Optional.empty(), ClassArchiveNotice.ofThisJvm());
    }
}
