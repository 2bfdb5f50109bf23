package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs stay true: every command in a fenced {@code sh} block of README.md and docs/*.md is run by a test or a
 * script that CI runs (the block's {@code <!-- run by: ... -->} marker names it: a class whose source holds the command,
 * or one that runs the block as written through {@link DocShell}), and every relative link points to
 * a file, and a heading, that exists. docs/development.md ("Every command in the docs is run") states the rules.
 */
class DocsTest {

    /** The IT that runs the commands it knows itself (see {@link ExampleCommands}). */
    static final String EXAMPLES = "DocExamplesIT";

    @Test
    void everyCommandIsRunByWhatItsBlockNames() {
        List<DocBlocks.Block> blocks = DocBlocks.all();
        assertTrue(blocks.size() > 10, "the checks found the docs' command blocks: " + blocks.size());
        assertEquals(List.of(), unrun(blocks));
    }

    @Test
    void aCommandNothingRunsIsReported() {
        List<DocBlocks.Block> blocks = DocBlocks.parse(
                Path.of("example.md"),
                List.of(
                        "<!-- run by: .ci/run -->",
                        "```sh",
                        "mvn -B verify   # in .ci/run",
                        "mvn -B deploy   # in no script",
                        "```",
                        "```sh",
                        "echo unmarked",
                        "```",
                        "<!-- run by: DocExamplesIT -->",
                        "```sh",
                        "curl -s localhost:8080/api/model",
                        "curl -s example.com/api/model",
                        "rm -rf /",
                        "```"));
        assertEquals(
                List.of(
                        "example.md:4: `mvn -B deploy` is run by none of [.ci/run]",
                        "example.md:6: a command block without <!-- run by: ... --> above it",
                        "example.md:12: `curl -s example.com/api/model` is run by none of [DocExamplesIT]"
                                + " (DocExamplesIT: a curl command must call localhost:8080/...: example.com/api/model)",
                        "example.md:13: `rm -rf /` is run by none of [DocExamplesIT] (DocExamplesIT: not a command the IT"
                                + " runs (java -jar target/tabserve.war, curl, export, mvn -B package -DskipTests))"),
                unrun(blocks));
    }

    @Test
    void theBlocksAreReadAsAShellWouldSplitThem() {
        List<DocBlocks.Command> commands = DocBlocks.commands(
                Path.of("x.md"),
                1,
                List.of(
                        "# a comment",
                        "curl -s localhost:8080/predict -H 'Content-Type: application/json' \\",
                        "  -d '{\"a\": 1,",
                        "  \"b\": 2}'   # the tutorials' clients",
                        "# {\"label\":\"0\",",
                        "#   \"warnings\":[]}",
                        "mvn -B package -DskipTests && java -jar target/tabserve.war --port 9000"));
        assertEquals(3, commands.size(), commands.toString());
        assertEquals(
                "curl -s localhost:8080/predict -H 'Content-Type: application/json' -d '{\"a\": 1,\n \"b\": 2}'",
                commands.get(0).text());
        assertEquals("{\"label\":\"0\",\"warnings\":[]}", commands.get(0).shown());
        assertEquals("mvn -B package -DskipTests", commands.get(1).text());
        assertEquals(
                "java -jar target/tabserve.war --port 9000", commands.get(2).text());
        assertEquals(
                List.of("curl", "-H", "Authorization: Bearer t0k3n", "{\"a\": 'b'}"),
                DocBlocks.words(
                        "curl -H \"Authorization: Bearer $TOKEN\" '{\"a\": '\"'b'\"'}'",
                        name -> name.equals("TOKEN") ? "t0k3n" : null));
    }

    /** One line per command that nothing named in its block runs, and per block without a marker. */
    static List<String> unrun(List<DocBlocks.Block> blocks) {
        List<String> problems = new ArrayList<>();
        for (DocBlocks.Block block : blocks) {
            if (block.runners().isEmpty()) {
                problems.add(block.where() + ": a command block without <!-- run by: ... --> above it");
                continue;
            }
            for (String runner : block.runners()) {
                if (!runner.equals(EXAMPLES) && source(runner).isEmpty()) {
                    problems.add(block.where() + ": `" + runner + "` is neither a test class nor a script");
                }
            }
            for (DocBlocks.Command command : block.commands()) {
                String why = null;
                boolean run = false;
                for (String runner : block.runners()) {
                    if (runner.equals(EXAMPLES)) {
                        why = ExampleCommands.whyNot(command.text());
                        run |= why == null;
                    } else {
                        String reads = "DocShell.of(\"" + block.page() + "\", \"" + runner + "\")";
                        run |= source(runner)
                                .map(s -> s.contains(reads)
                                        || normalised(s).contains(normalised(command.text()))
                                        || readsItsBlocks(s, runner, block.page()))
                                .orElse(false);
                    }
                }
                if (!run) {
                    problems.add(command.where() + ": `" + command.text() + "` is run by none of " + block.runners()
                            + (why == null ? "" : " (" + EXAMPLES + ": " + why + ")"));
                }
            }
        }
        return problems;
    }

    /**
     * Whether a test runs every command of the blocks that name it by reading them from the page: the deployment tests
     * take docs/deploy.md's steps with {@code DeployDoc.steps(TheirClass.class)} and run each one.
     */
    static boolean readsItsBlocks(String source, String runner, Path page) {
        return page.equals(Path.of("docs", "deploy.md")) && source.contains("DeployDoc.steps(" + runner + ".class)");
    }

    /** The source of a test class (by its simple name) or of a script (by its path), if there is one. */
    static Optional<String> source(String runner) {
        try {
            if (runner.contains("/")) {
                Path script = Path.of(runner);
                return Files.isRegularFile(script) ? Optional.of(Files.readString(script)) : Optional.empty();
            }
            try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
                Optional<Path> test = files.filter(
                                f -> f.getFileName().toString().equals(runner + ".java"))
                        .findFirst();
                return test.isPresent() ? Optional.of(Files.readString(test.get())) : Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs of blanks as one space, and a Javadoc line's leading {@code *} as nothing, so a listing may wrap. */
    private static String normalised(String text) {
        return text.replaceAll("\\n\\s*\\*(?!/)", " ").replaceAll("\\s+", " ");
    }

    @Test
    void everyRelativeLinkPointsToAFileAndAHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : DocBlocks.pages()) {
            String text = withoutCode(Files.readString(page, StandardCharsets.UTF_8));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                links++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty()
                        ? page
                        : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no " + resolved + ")");
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading in " + file + ")");
                }
            }
        }
        assertTrue(links > 20, "the check found the docs' links: " + links);
        assertEquals(List.of(), broken);
    }

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    /** The text outside fenced blocks and inline code, where a link is a link. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "").replaceAll("`[^`\\n]*`", "");
    }

    /** The anchors GitHub makes of a Markdown file's headings: lower case, punctuation dropped, spaces as dashes. */
    static List<String> anchors(Path markdown) throws IOException {
        if (!markdown.toString().endsWith(".md")) {
            return List.of();
        }
        List<String> anchors = new ArrayList<>();
        for (String line : Files.readAllLines(markdown, StandardCharsets.UTF_8)) {
            if (line.matches("#{1,6} .*")) {
                String heading = line.replaceFirst("#+ ", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    @Test
    void theReadmeIsShortAndDevelopmentSaysWhatCiInstalls() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.size() <= 150, "README.md has " + readme.size() + " lines; the rest belongs in docs/");
        String text = Files.readString(Path.of("docs", "development.md"));
        String ci = Files.readString(Path.of(".ci/run"));
        for (String installed : List.of("chromium", "chromium-driver", "wrk", "openjdk-17-jdk-headless", "maven")) {
            assertTrue(ci.contains(installed), ".ci/run installs " + installed);
        }
        for (String said : List.of(
                "`.ci/run` installs Java and Maven",
                "apt-get install\nchromium chromium-driver",
                "apt-get install wrk",
                "apt-get install podman runc mmdebstrap docker-registry",
                "lints the `Dockerfile`")) {
            assertTrue(
                    normalised(text).contains(normalised(said)), "docs/development.md says what .ci/run does: " + said);
        }
    }
}
