package org.tabserve.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The JDKs installed beside the one running the tests, for servers that need a newer Java than the project's 17. */
public final class Jdks {

    private Jdks() {}

    /**
     * A JDK of at least this feature version under /usr/lib/jvm, by its {@code release} file.
     *
     * @param who what needs it, for the failure's words
     */
    public static Path atLeast(int version, String who) throws IOException {
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jdk : jdks.sorted().toList()) {
                Path release = jdk.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(jdk.resolve("bin/java"))) {
                    String text = Files.readString(release);
                    int at = text.indexOf("JAVA_VERSION=\"");
                    if (at >= 0) {
                        String found = text.substring(at + 14, text.indexOf('"', at + 14));
                        if (Integer.parseInt(found.split("[.]")[0]) >= version) {
                            return jdk;
                        }
                    }
                }
            }
        }
        throw new IllegalStateException(who + " needs Java " + version + " or later; none under /usr/lib/jvm");
    }
}
