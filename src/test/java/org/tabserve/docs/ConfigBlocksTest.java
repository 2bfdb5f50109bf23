package org.tabserve.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configurations the docs give a user to copy are the ones the tests run: every fenced block of README.md and
 * docs/*.md in a configuration's language ({@link #LANGUAGES}) has a {@code <!-- run by: TEST, ... -->} marker above
 * it (above its {@code <!-- the file PATH -->} marker, when the block quotes a file, which QuotedFilesTest holds to
 * the file), and each test (of this project or its spark/ module) or script it names exists and reads the page, or the file the block quotes. DocsTest does the same
 * for the {@code sh} blocks' commands.
 */
class ConfigBlocksTest {

    /** The fence languages of configuration a user copies: Kubernetes objects, load balancers, settings files. */
    static final Set<String> LANGUAGES =
            Set.of("yaml", "yml", "haproxy", "ini", "cfg", "conf", "toml", "properties", "nginx", "systemd");

    private static final Pattern RUN_BY = Pattern.compile("^<!-- run by: ([^>]+?) -->$");
    private static final Pattern QUOTE = Pattern.compile("^<!-- the file (\\S+?),?(?: [^>]*)?-->$");

    /** One configuration block: where it is, the tests its marker names, and the file it quotes, if any. */
    record Block(Path page, int line, String language, List<String> runners, Optional<String> quotes) {
        String where() {
            return page + ":" + line + " (" + language + ")";
        }
    }

    @Test
    void everyConfigurationBlockIsReadByATestItNames() {
        List<Block> blocks = new ArrayList<>();
        for (Path page : DocBlocks.pages()) {
            blocks.addAll(blocks(page, lines(page)));
        }
        assertTrue(blocks.size() >= 2, "the check found the docs' configuration blocks: " + blocks);
        assertEquals(List.of(), unread(blocks));
    }

    @Test
    void aBlockWithoutAMarkerOrWhoseTestDoesNotReadItIsReported() {
        List<Block> blocks = blocks(
                Path.of("docs", "example.md"),
                List.of(
                        "```yaml",
                        "kind: Service",
                        "```",
                        "<!-- run by: NoSuchTest -->",
                        "```ini",
                        "a=1",
                        "```",
                        "<!-- run by: QuotedFilesTest -->",
                        "<!-- the file deploy/haproxy/haproxy.cfg -->",
                        "```haproxy",
                        "defaults",
                        "```",
                        "```sql",
                        "SELECT 1;",
                        "```"));
        assertEquals(
                List.of(
                        "docs/example.md:1 (yaml): a configuration block without <!-- run by: ... --> above it",
                        "docs/example.md:5 (ini): NoSuchTest is neither a test class nor a script",
                        "docs/example.md:10 (haproxy): QuotedFilesTest reads neither example.md nor "
                                + "deploy/haproxy/haproxy.cfg"),
                unread(blocks));
    }

    /** One line per block that nothing named reads. */
    static List<String> unread(List<Block> blocks) {
        List<String> problems = new ArrayList<>();
        for (Block block : blocks) {
            if (block.runners().isEmpty()) {
                problems.add(block.where() + ": a configuration block without <!-- run by: ... --> above it");
                continue;
            }
            for (String runner : block.runners()) {
                Optional<String> source = source(runner);
                String page = block.page().getFileName().toString();
                if (source.isEmpty()) {
                    problems.add(block.where() + ": " + runner + " is neither a test class nor a script");
                } else if (!source.get().contains(page)
                        && block.quotes().map(q -> !source.get().contains(q)).orElse(true)) {
                    problems.add(block.where() + ": " + runner + " reads neither " + page
                            + block.quotes().map(q -> " nor " + q).orElse(""));
                }
            }
        }
        return problems;
    }

    /** The source of a test class of this project or of its spark/ module, or of a script, if there is one. */
    static Optional<String> source(String runner) {
        Optional<String> source = DocsTest.source(runner);
        Path spark = Path.of("spark", "src", "test", "java");
        if (source.isPresent() || runner.contains("/") || !Files.isDirectory(spark)) {
            return source;
        }
        try (Stream<Path> files = Files.walk(spark)) {
            Optional<Path> test = files.filter(f -> f.getFileName().toString().equals(runner + ".java"))
                    .findFirst();
            return test.isPresent() ? Optional.of(Files.readString(test.get())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's blocks in {@link #LANGUAGES}, with the markers above each. */
    static List<Block> blocks(Path page, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) {
                continue;
            }
            String language = lines.get(i).substring(3).strip();
            int open = i;
            i++;
            while (i < lines.size() && !lines.get(i).equals("```")) {
                i++;
            }
            if (!LANGUAGES.contains(language)) {
                continue;
            }
            int above = open - 1;
            Optional<String> quotes = Optional.empty();
            if (above >= 0) {
                Matcher quote = QUOTE.matcher(lines.get(above).strip());
                if (quote.matches()) {
                    quotes = Optional.of(quote.group(1));
                    above--;
                }
            }
            List<String> runners = List.of();
            if (above >= 0) {
                Matcher runBy = RUN_BY.matcher(lines.get(above).strip());
                if (runBy.matches()) {
                    runners = Arrays.stream(runBy.group(1).split(","))
                            .map(String::strip)
                            .toList();
                }
            }
            blocks.add(new Block(page, open + 1, language, runners, quotes));
        }
        return blocks;
    }

    private static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
