package org.tabserve.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The command blocks of README.md and docs/*.md as the docs checks read them: each fenced {@code sh} block with the
 * names on its {@code <!-- run by: A, B -->} marker, and its commands, one per logical line (continuation lines
 * joined, comments dropped, {@code a && b} split), each with the answer shown under it ({@code # {...}}), if any.
 * A small, strict reader: what it cannot place is an error, never a guess.
 */
final class DocBlocks {

    /** The pages whose command blocks are checked. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** One command: its text (continuations joined with a space, or a newline inside quotes) and the answer shown. */
    record Command(Path page, int line, String text, String shown) {
        String where() {
            return page + ":" + line;
        }
    }

    /** One fenced {@code sh} block: the names its marker gives (empty when it has none) and its commands. */
    record Block(Path page, int line, List<String> runners, List<Command> commands) {
        String where() {
            return page + ":" + line;
        }
    }

    private static final Pattern MARKER = Pattern.compile("^<!-- run by: ([^>]+?) -->$");

    private DocBlocks() {}

    /** Every {@code sh} block of every page, in page order. */
    static List<Block> all() {
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages()) {
            blocks.addAll(read(page));
        }
        return blocks;
    }

    static List<Block> read(Path page) {
        try {
            return parse(page, Files.readAllLines(page, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Block> parse(Path page, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) {
                continue;
            }
            int open = i;
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).equals("```")) {
                close++;
            }
            if (lines.get(open).equals("```sh")) {
                List<String> runners = List.of();
                if (open > 0) {
                    Matcher m = MARKER.matcher(lines.get(open - 1).strip());
                    if (m.matches()) {
                        runners = Arrays.stream(m.group(1).split(","))
                                .map(String::strip)
                                .toList();
                    }
                }
                blocks.add(
                        new Block(page, open + 1, runners, commands(page, open + 2, lines.subList(open + 1, close))));
            }
            i = close;
        }
        return blocks;
    }

    /** The commands of a block's lines; {@code firstLine} is the 1-based line number of the first. */
    static List<Command> commands(Path page, int firstLine, List<String> lines) {
        List<Command> commands = new ArrayList<>();
        StringBuilder text = null;
        int start = 0;
        String pendingShown = null;
        List<Command> pendingOf = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (text != null) { // a continuation of the command before
                text.append(line);
            } else {
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.startsWith("#")) {
                    boolean outputStarts = trimmed.startsWith("# {") || trimmed.startsWith("# [");
                    boolean outputGoesOn = pendingShown != null && trimmed.startsWith("#   ");
                    if (outputStarts && pendingOf != null && pendingShown == null) {
                        pendingShown = trimmed.substring(2);
                    } else if (outputGoesOn) {
                        pendingShown += trimmed.substring(1).strip();
                    } else if (outputStarts) {
                        throw new IllegalStateException(
                                page + ":" + (firstLine + i) + ": an answer shown under no command (or a second one)");
                    }
                    continue;
                }
                flush(commands, pendingOf, pendingShown);
                pendingOf = null;
                pendingShown = null;
                text = new StringBuilder(line);
                start = firstLine + i;
            }
            String soFar = text.toString();
            if (openQuote(soFar) != 0) {
                text.append('\n');
                continue;
            }
            if (soFar.endsWith("\\")) {
                text.setLength(text.length() - 1);
                continue;
            }
            pendingOf = new ArrayList<>();
            for (String part : splitAnd(stripComment(soFar))) {
                pendingOf.add(
                        new Command(page, start, part.replaceAll("[ \\t]+", " ").strip(), null));
            }
            text = null;
        }
        if (text != null) {
            throw new IllegalStateException(page + ":" + start + ": a command whose quote or continuation never ends");
        }
        flush(commands, pendingOf, pendingShown);
        return commands;
    }

    private static void flush(List<Command> into, List<Command> commands, String shown) {
        if (commands == null) {
            return;
        }
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            into.add(i == commands.size() - 1 && shown != null ? new Command(c.page(), c.line(), c.text(), shown) : c);
        }
    }

    /** The quote still open at the end of {@code text} ('\'' or '"'), or 0; a comment's apostrophes open none. */
    private static char openQuote(String text) {
        return Scan.of(text).open();
    }

    /** The text before a {@code #} that starts a comment outside quotes. */
    static String stripComment(String text) {
        Scan scan = Scan.of(text);
        return (scan.comment() < 0 ? text : text.substring(0, scan.comment())).strip();
    }

    /** One reading of a line's quotes: where a comment starts outside them (-1: none), else the quote left open. */
    private record Scan(int comment, char open) {
        static Scan of(String text) {
            char open = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (open == 0 && (c == '\'' || c == '"')) {
                    open = c;
                } else if (c == open) {
                    open = 0;
                } else if (open == 0 && c == '#' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
                    return new Scan(i, (char) 0);
                }
            }
            return new Scan(-1, open);
        }
    }

    /** {@code a && b} as two commands (outside quotes). */
    static List<String> splitAnd(String text) {
        List<String> parts = new ArrayList<>();
        char open = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (open == 0 && (c == '\'' || c == '"')) {
                open = c;
            } else if (c == open) {
                open = 0;
            } else if (open == 0 && text.startsWith(" && ", i)) {
                parts.add(text.substring(from, i).strip());
                from = i + 4;
            }
        }
        parts.add(text.substring(from).strip());
        return parts;
    }

    /**
     * The shell words of a command: split at blanks outside quotes, quotes removed, {@code $NAME} expanded in double
     * quotes and bare words by {@code variables} (a name it does not know is an error). No other shell syntax.
     */
    static List<String> words(String command, Function<String, String> variables) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char open = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (open == '\'') {
                if (c == '\'') {
                    open = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '$' && i + 1 < command.length() && Character.isLetter(command.charAt(i + 1))) {
                int end = i + 1;
                while (end < command.length()
                        && (Character.isLetterOrDigit(command.charAt(end)) || command.charAt(end) == '_')) {
                    end++;
                }
                String name = command.substring(i + 1, end);
                String value = variables.apply(name);
                if (value == null) {
                    throw new IllegalArgumentException("no value for $" + name + " in: " + command);
                }
                word = word == null ? new StringBuilder() : word;
                word.append(value);
                i = end - 1;
            } else if (open == '"') {
                if (c == '"') {
                    open = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                open = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** {@link #words(String, Function)} with the variables of a map. */
    static List<String> words(String command, Map<String, String> variables) {
        return words(command, variables::get);
    }
}
