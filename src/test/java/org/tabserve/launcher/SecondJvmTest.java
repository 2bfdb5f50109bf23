package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SecondJvm} starts the second JVM with this one's options, but the class archive made for this one's class
 * path and any class path given; then the bootstrap's folder, the WAR named by a property, and the same arguments.
 */
class SecondJvmTest {

    @Test
    void theOptionsAreThoseBeforeTheJarOrTheMainClass() {
        assertEquals(
                List.of("-Xmx128m", "-XX:SharedArchiveFile=t.jsa", "-Dx=1"),
                SecondJvm.optionsBeforeJar(
                        List.of("-Xmx128m", "-XX:SharedArchiveFile=t.jsa", "-Dx=1", "-jar", "t.war", "--port", "0")));
        assertEquals(
                List.of("-Xmx128m"),
                SecondJvm.optionsBeforeJar(List.of(
                        "-cp", "t.war", "-Xmx128m", "--class-path=t.war", Main.class.getName(), "--port", "0")));
    }

    @Test
    void theSecondJvmRunsMainFromTheBootstrapsFolderWithoutTheArchiveAndWithTheManifestsNativeAccess() {
        List<String> command = SecondJvm.command(
                List.of("-Xmx128m", "-XX:SharedArchiveFile=t.jsa", "-XX:AOTCache=t.aot", "-XX:+UseSerialGC"),
                Path.of("/srv/t.war"),
                Path.of("/tmp/boot"),
                new String[] {"--port", "0"});
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), command.get(0));
        assertEquals(
                List.of(
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "--enable-native-access=ALL-UNNAMED",
                        "-D" + SecondJvm.WAR_PROPERTY + "=/srv/t.war",
                        "-cp",
                        "/tmp/boot",
                        Main.class.getName(),
                        "--port",
                        "0"),
                command.subList(1, command.size()));
    }
}
