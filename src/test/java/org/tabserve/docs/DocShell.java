package org.tabserve.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands of a page's docs blocks, run as written by bash for a test that stands up a service the docs send users
 * to (Keycloak, s3proxy): the {@code sh} blocks of a page whose {@code <!-- run by: NAME -->} marker names the test, in
 * page order, each command run in order in a folder of the test's, with only the substitutions the test declares (a port, a path,
 * Maven Central's address for the local Maven repository, which holds the very files the build resolved from it), each
 * of which must apply somewhere, and every command of the block run or started, or the test fails. {@code DocsTest}
 * takes a class that calls {@code DocShell.of("PAGE", "NAME")} as the runner of that block.
 */
public final class DocShell {

    /** Where the docs download distributions from: Maven Central. */
    public static final String CENTRAL = "https://repo1.maven.org/maven2/";

    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z][A-Z0-9_]*)=([^\\s'\"$]+) (.+)");

    private static final Pattern CAPTURE = Pattern.compile("([A-Z][A-Z0-9_]*)=(\\$\\(.*\\))");

    private final String page;
    private final List<DocBlocks.Command> commands;
    private final Map<String, String> substitutions = new LinkedHashMap<>();
    private final Map<String, Integer> applied = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> captured = new LinkedHashMap<>();
    private final List<Boolean> ran;
    private Path folder = Path.of(".").toAbsolutePath();

    private DocShell(String page, List<DocBlocks.Command> commands) {
        this.page = page;
        this.commands = commands;
        this.ran = new ArrayList<>(commands.stream().map(c -> false).toList());
    }

    /** The commands of the {@code sh} blocks of {@code page} marked as run by {@code runner}, in page order. */
    public static DocShell of(String page, String runner) {
        List<DocBlocks.Command> commands = DocBlocks.read(Path.of(page)).stream()
                .filter(b -> b.runners().contains(runner))
                .flatMap(b -> b.commands().stream())
                .toList();
        if (commands.isEmpty()) {
            throw new IllegalStateException(page + " has no command in a block marked <!-- run by: " + runner + " -->");
        }
        return new DocShell(page, commands);
    }

    /** The local Maven repository: failsafe's {@code tabserve.maven.repo}, else Maven's default. */
    public static Path localRepository() {
        return Path.of(System.getProperty("tabserve.maven.repo", System.getProperty("user.home") + "/.m2/repository"))
                .toAbsolutePath();
    }

    /** Reads Maven Central's files from the local repository (the same files, resolved by the build). */
    public DocShell centralFromLocalRepository() {
        return replace(CENTRAL, localRepository().toUri().toString());
    }

    /** Runs the commands in {@code folder}. */
    public DocShell in(Path folder) {
        this.folder = folder.toAbsolutePath();
        return this;
    }

    /** Writes {@code to} wherever the commands have {@code from}; {@link #assertAllRun} checks that it applied. */
    public DocShell replace(String from, String to) {
        substitutions.put(from, to);
        applied.put(from, 0);
        return this;
    }

    /** Adds a variable to the commands' environment (beyond the test's own, which they inherit). */
    public DocShell environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** @return the block's commands as the doc writes them */
    public List<String> commands() {
        return commands.stream().map(DocBlocks.Command::text).toList();
    }

    /** @return the value a command {@code NAME=$(...)} gave, or an {@code export NAME=VALUE}, or null */
    public String variable(String name) {
        return captured.containsKey(name) ? captured.get(name) : environment.get(name);
    }

    /** @return the environment of the commands: the test's additions and the block's {@code export}s */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** The command at {@code index} with the substitutions made. */
    public String substituted(int index) {
        String text = commands().get(index);
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            if (text.contains(s.getKey())) {
                applied.merge(s.getKey(), 1, Integer::sum);
                text = text.replace(s.getKey(), s.getValue());
            }
        }
        return text;
    }

    /** Marks the command at {@code index} as run by the test in its own way (said in the test's Javadoc). */
    public String take(int index) {
        ran.set(index, true);
        return substituted(index);
    }

    /**
     * Runs the command at {@code index} to its end with bash (a {@code NAME=$(...)} keeps its value for the commands
     * after it) and returns what it printed; a status other than 0, or more than {@code seconds}, fails.
     */
    public String run(int index, long seconds) throws IOException, InterruptedException {
        String text = take(index);
        if (text.startsWith("export ")) { // NAME=VALUE pairs, kept for the commands after it
            for (String pair : DocBlocks.words(text.substring("export ".length()), captured::get)) {
                String[] nameValue = pair.split("=", 2);
                environment.put(nameValue[0], nameValue[1]);
            }
            return "";
        }
        Matcher capture = CAPTURE.matcher(text);
        String script = capture.matches() ? text + "\nprintf '%s' \"$" + capture.group(1) + "\"" : text;
        Path out = Files.createTempFile(folder, "command", ".out");
        Process process = bash(script)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(where(index) + ": `" + text + "` took more than " + seconds + " s: "
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    where(index) + ": `" + text + "` ended with status " + process.exitValue() + ": " + printed);
        }
        if (capture.matches()) {
            captured.put(capture.group(1), printed);
        }
        return printed;
    }

    /** Starts the command at {@code index} (a server, which runs until stopped), its output to {@code log}. */
    public Process start(int index, Path log) throws IOException {
        String text = take(index);
        Map<String, String> assignments = new LinkedHashMap<>(); // NAME=VALUE before the command: its environment
        Matcher assignment = ASSIGNMENT.matcher(text);
        while (assignment.matches()) {
            assignments.put(assignment.group(1), assignment.group(2));
            text = assignment.group(3);
            assignment = ASSIGNMENT.matcher(text);
        }
        ProcessBuilder builder = bash("exec " + text);
        builder.environment().putAll(assignments);
        return builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private ProcessBuilder bash(String script) {
        StringBuilder prelude = new StringBuilder("set -eo pipefail\n");
        for (Map.Entry<String, String> v : captured.entrySet()) {
            prelude.append(v.getKey())
                    .append("='")
                    .append(v.getValue().replace("'", "'\\''"))
                    .append("'\n");
        }
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", prelude + script).directory(folder.toFile());
        builder.environment().putAll(environment);
        return builder;
    }

    /** @return the page and line of the command at {@code index} */
    public String where(int index) {
        return commands.get(index).where();
    }

    /** Every command of the block was run or taken, and every substitution applied to one. */
    public void assertAllRun() {
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < ran.size(); i++) {
            if (!ran.get(i)) {
                missed.add(where(i) + ": `" + commands().get(i) + "` was not run");
            }
        }
        applied.forEach((from, times) -> {
            if (times == 0) {
                missed.add(page + ": the substitution of `" + from + "` applied to no command");
            }
        });
        if (!missed.isEmpty()) {
            throw new AssertionError(String.join("\n", missed));
        }
    }
}
