package org.tabserve.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What docs/deploy.md tells a user to type or paste, read from the page for the tests that do it: the commands of
 * the {@code sh} blocks marked {@code <!-- run by: TEST -->} for one test class, and the text of the {@code xml}
 * blocks marked {@code <!-- read by: Containers (WHAT) -->}. The deployment tests run those, not copies of them.
 */
final class DeployDoc {

    static final Path PAGE = Path.of("docs", "deploy.md");

    private DeployDoc() {}

    /**
     * The commands of every {@code sh} block whose marker names {@code runner} (one command a line; comments and blank
     * lines left out), in page order; fails when there are none.
     */
    static List<String> steps(Class<?> runner) {
        List<String> commands = new ArrayList<>();
        List<String> lines = lines();
        for (int i = 1; i < lines.size(); i++) {
            String marker = lines.get(i - 1);
            if (!lines.get(i).equals("```sh") || !marker.startsWith("<!-- run by: ")) {
                continue;
            }
            List<String> names = List.of(marker.substring("<!-- run by: ".length(), marker.length() - " -->".length())
                    .split(",\\s*"));
            if (!names.contains(runner.getSimpleName())) {
                continue;
            }
            for (String line : block(lines, i)) {
                String command = line.strip();
                if (command.isEmpty() || command.startsWith("#")) {
                    continue;
                }
                if (command.endsWith("\\")) {
                    throw new IllegalStateException(PAGE + ": a command continued on the next line, which the "
                            + runner.getSimpleName() + " does not join: " + command);
                }
                commands.add(command);
            }
        }
        if (commands.isEmpty()) {
            throw new IllegalStateException(
                    PAGE + " has no ```sh block marked <!-- run by: " + runner.getSimpleName() + " -->");
        }
        return commands;
    }

    /** The text of the one {@code xml} block marked {@code <!-- read by: Containers (what) -->}. */
    static String xml(String what) {
        List<String> lines = lines();
        String marker = "<!-- read by: Containers (" + what + ") -->";
        String found = null;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i - 1).equals(marker) && lines.get(i).equals("```xml")) {
                if (found != null) {
                    throw new IllegalStateException(PAGE + " has two blocks marked " + marker);
                }
                found = String.join("\n", block(lines, i));
            }
        }
        if (found == null) {
            throw new IllegalStateException(PAGE + " has no ```xml block marked " + marker);
        }
        return found;
    }

    private static List<String> block(List<String> lines, int open) {
        int close = open + 1;
        while (close < lines.size() && !lines.get(close).equals("```")) {
            close++;
        }
        if (close == lines.size()) {
            throw new IllegalStateException(PAGE + ":" + (open + 1) + ": a block that never ends");
        }
        return lines.subList(open + 1, close);
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(PAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
