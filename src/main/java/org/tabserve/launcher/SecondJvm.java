package org.tabserve.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.tabserve.launcher.classpath.ClassPathBeside;
import org.tabserve.launcher.warcache.WarCache;

/**
 * This start run again in a JVM of its own whose class path holds only the WAR's bootstrap classes, for when the
 * jars the WAR's manifest names beside it cannot be trusted ({@link ClassPathBeside}): the JVM that {@code java -jar}
 * made has them on its class path for good, so it only waits. The new JVM gets the same JVM options but the class
 * archive (made for the other class path), the bootstrap classes copied from the WAR to a new folder that only this
 * user can write, the WAR's path ({@link #WAR_PROPERTY}) and the same arguments; it shares this one's output, and,
 * for the server, takes a stop from this one as a line on its standard input ({@link #STOP_LINE}, and the input's end
 * if this JVM is killed), which it treats as SIGTERM unless it is already stopping; a command gets this JVM's input
 * and is ended as SIGTERM would. This JVM exits with the new one's status. Bootstrap code at the WAR's root: the JDK
 * only.
 */
final class SecondJvm {

    /** Set on the second JVM: the WAR it runs (its own class path is a folder, not the WAR). */
    static final String WAR_PROPERTY = "tabserve.launcher.war";
    /** The line the first JVM writes to the second's input when it is asked to stop. */
    static final String STOP_LINE = "stop";

    private static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";
    /** Java 24's name for an archive with linked classes and method profiles (JEP 483, 515). */
    private static final String AOT_CACHE_OPTION = "-XX:AOTCache=";
    /**
     * What the WAR's manifest says to {@code java -jar} ({@code Enable-Native-Access}), for a JVM started from a class
     * path: ONNX Runtime loads native code, which Java 24 and later otherwise warn about (Java 17 knows the option).
     */
    private static final String NATIVE_ACCESS_OPTION = "--enable-native-access=ALL-UNNAMED";
    /** The bootstrap's packages, whose classes (directly in each) sit at the WAR's root. */
    private static final List<String> BOOTSTRAP = List.of(
            folder(SecondJvm.class.getPackageName()),
            folder(ClassPathBeside.class.getPackageName()),
            folder(WarCache.class.getPackageName()));

    private static final String BOOT_PREFIX = "tabserve-boot";
    /** The bootstrap's main class, which the second JVM runs: the launcher's {@code Main}, which calls this one. */
    static final String MAIN_CLASS = SecondJvm.class.getPackageName() + ".Main";

    private SecondJvm() {}

    /**
     * Runs the second JVM and waits for it.
     *
     * @param server whether it runs the server (a stop goes as a line on its input) or a command (it reads this
     *     JVM's input)
     * @return its exit status
     */
    static int run(Path war, String[] args, boolean server) throws IOException, InterruptedException {
        Path boot = Files.createTempDirectory(BOOT_PREFIX); // owner-only, new: no one else can have put a class in it
        copyBootstrap(war, boot);
        List<String> command = command(jvmOptions(), war, boot, args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (server) {
            builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        }
        Process second = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndFollow(second, server, boot), "tabserve-second"));
        int status = second.waitFor();
        deleteTree(boot);
        return status;
    }

    /**
     * In the second JVM: deletes the bootstrap's folder (its class path) as it exits, for when the first JVM was
     * killed and cannot. Only a folder this class made ({@code tabserve-boot} in the temporary folder).
     */
    static void deleteBootstrapAtExit() {
        Path boot = Path.of(System.getProperty("java.class.path")).toAbsolutePath();
        Path temporary = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (boot.getFileName().toString().startsWith(BOOT_PREFIX) && temporary.equals(boot.getParent())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(boot), "tabserve-boot-delete"));
        }
    }

    /** The second JVM's command line: this JVM's java, its options, the bootstrap's folder, Main and the arguments. */
    static List<String> command(List<String> options, Path war, Path boot, String[] args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : options) {
            // made for the first JVM's class path: the JVM would refuse it
            if (!option.startsWith(ARCHIVE_OPTION) && !option.startsWith(AOT_CACHE_OPTION)) {
                command.add(option);
            }
        }
        command.add(NATIVE_ACCESS_OPTION);
        command.add("-D" + WAR_PROPERTY + "=" + war.toAbsolutePath());
        command.add("-cp");
        command.add(boot.toString());
        command.add(MAIN_CLASS);
        command.addAll(Arrays.asList(args));
        return command;
    }

    /**
     * The JVM options of this JVM's command line: what comes before {@code -jar} ({@code JDK_JAVA_OPTIONS} and
     * {@code JAVA_TOOL_OPTIONS} reach the second JVM through the environment, as they reached this one).
     */
    static List<String> jvmOptions() {
        String[] arguments = ProcessHandle.current().info().arguments().orElse(new String[0]);
        return optionsBeforeJar(Arrays.asList(arguments));
    }

    /** The arguments before {@code -jar}, or before the main class when the WAR was given with {@code -cp}. */
    static List<String> optionsBeforeJar(List<String> arguments) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("-jar") || argument.equals(MAIN_CLASS)) {
                return options;
            }
            if (argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path")) {
                i++; // and its value: the second JVM's class path is the bootstrap's folder
            } else if (!argument.startsWith("--class-path=")) {
                options.add(argument);
            }
        }
        return options;
    }

    /** Copies the classes at the WAR's root ({@link Main} and its bootstrap helpers) into {@code boot}. */
    private static void copyBootstrap(Path war, Path boot) throws IOException {
        for (String folder : BOOTSTRAP) {
            Files.createDirectories(boot.resolve(folder));
        }
        try (JarFile jar = new JarFile(war.toFile(), false)) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (BOOTSTRAP.contains(name.substring(0, name.lastIndexOf('/') + 1)) && name.endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, boot.resolve(name));
                    }
                }
            }
        }
    }

    /** A package's folder in a jar: {@code org/tabserve/launcher/} for {@code org.tabserve.launcher}. */
    private static String folder(String packageName) {
        return packageName.replace('.', '/') + "/";
    }

    /**
     * On this JVM's shutdown (a stop signal, or its own exit once the second has ended): asks the second JVM to stop
     * as SIGTERM would, waits for it, and ends this JVM with its status.
     */
    private static void stopAndFollow(Process second, boolean server, Path boot) {
        if (!second.isAlive()) {
            return; // it ended first; this JVM exits with its status
        }
        if (server) {
            try (OutputStream in = second.getOutputStream()) {
                in.write((STOP_LINE + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException gone) {
                // it is stopping anyway
            }
        } else {
            second.destroy();
        }
        int status;
        try {
            status = second.waitFor();
        } catch (InterruptedException e) {
            status = 1;
        }
        deleteTree(boot);
        Runtime.getRuntime().halt(status);
    }

    /** Deletes a temporary folder of the bootstrap's (this one's, and the launcher's jars copied out of the WAR). */
    static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it up eventually
        }
    }
}
