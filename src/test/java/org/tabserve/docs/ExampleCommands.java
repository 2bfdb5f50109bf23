package org.tabserve.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands {@link DocExamplesIT} runs itself, and how it reads them: {@code java -jar target/tabserve.war ...},
 * {@code curl ... localhost:8080/...}, {@code export NAME=VALUE} and the package step. {@link DocsTest} asks
 * {@link #kind} whether the IT can run a command, so the two never disagree.
 */
final class ExampleCommands {

    enum Kind {
        JAVA,
        CURL,
        EXPORT,
        PACKAGE
    }

    /** The build step every IT stands after: {@code mvn verify} packages the WAR before it runs any IT. */
    static final String PACKAGE = "mvn -B package -DskipTests";

    /** The only command substitution the docs use: a fresh admin token. */
    static final String RANDOM_TOKEN = "$(openssl rand -hex 32)";

    static final String WAR = "target/tabserve.war";

    private static final Pattern EXPORT = Pattern.compile("export ([A-Z][A-Z0-9_]*)=(.+)");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z][A-Z0-9_]*)=(.*)");

    private ExampleCommands() {}

    /** What kind of command the IT runs this is, or null when it runs no such command. */
    static Kind kind(String command) {
        return whyNot(command) == null ? kindOf(command) : null;
    }

    /** Why the IT cannot run this command, or null when it can. */
    static String whyNot(String command) {
        try {
            return kindOf(command) == null
                    ? "not a command the IT runs (java -jar " + WAR + ", curl, export, " + PACKAGE + ")"
                    : null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Kind kindOf(String command) {
        if (command.equals(PACKAGE)) {
            return Kind.PACKAGE;
        }
        Matcher export = EXPORT.matcher(command);
        if (export.matches()) {
            String value = export.group(2);
            return value.equals(RANDOM_TOKEN) || value.matches("[^$\\s'\"]+") ? Kind.EXPORT : null;
        }
        List<String> words = DocBlocks.words(command, name -> "x");
        if (!words.isEmpty() && words.get(0).equals("curl")) {
            curl(words, Path.of("."));
            return Kind.CURL;
        }
        if (words.contains("java")) {
            java(words);
            return Kind.JAVA;
        }
        return null;
    }

    /** A {@code java -jar target/tabserve.war} command: environment, JVM options and the launcher's arguments. */
    record Java(Map<String, String> environment, List<String> jvmOptions, List<String> args) {
        /** A command that ends by itself ({@code card}, {@code score}, {@code --help}) rather than serving. */
        boolean runsToItsEnd() {
            return !args.isEmpty()
                    && List.of("card", "score", "--help", "--version").contains(args.get(0));
        }
    }

    static Java java(List<String> words) {
        Map<String, String> environment = new LinkedHashMap<>();
        int i = 0;
        Matcher m;
        while (i < words.size() && (m = ASSIGNMENT.matcher(words.get(i))).matches()) {
            environment.put(m.group(1), m.group(2));
            i++;
        }
        if (i >= words.size() || !words.get(i).equals("java")) {
            throw new IllegalArgumentException("not a java command: " + words);
        }
        i++;
        List<String> jvmOptions = new ArrayList<>();
        while (i < words.size() && words.get(i).startsWith("-") && !words.get(i).equals("-jar")) {
            jvmOptions.add(words.get(i++));
        }
        if (i + 1 >= words.size()
                || !words.get(i).equals("-jar")
                || !words.get(i + 1).equals(WAR)) {
            throw new IllegalArgumentException("not java -jar " + WAR + ": " + words);
        }
        return new Java(environment, jvmOptions, List.copyOf(words.subList(i + 2, words.size())));
    }

    /** A curl command's request: method, path and query, headers, and the body (or a multipart file field). */
    record Curl(
            String method, String pathAndQuery, List<String> headers, byte[] body, String formField, Path formFile) {}

    /**
     * The request of a {@code curl} command, with files read relative to {@code dir}. Only the options the docs
     * use are known; any other is an error, as is a URL that is not {@code localhost:8080}.
     */
    static Curl curl(List<String> words, Path dir) {
        String method = null;
        String url = null;
        List<String> headers = new ArrayList<>();
        byte[] body = null;
        String field = null;
        Path file = null;
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "-s" -> {}
                case "-X" -> method = value(words, ++i);
                case "-H" -> {
                    String header = value(words, ++i);
                    int colon = header.indexOf(':');
                    if (colon < 1) {
                        throw new IllegalArgumentException("not a header: " + header);
                    }
                    headers.add(header.substring(0, colon).strip());
                    headers.add(header.substring(colon + 1).strip());
                }
                case "-d", "--data-binary" -> {
                    String data = value(words, ++i);
                    body = data.startsWith("@")
                            ? read(dir.resolve(data.substring(1)), w.equals("-d"))
                            : data.getBytes(StandardCharsets.UTF_8);
                }
                case "-F" -> {
                    String form = value(words, ++i);
                    int eq = form.indexOf("=@");
                    if (eq < 1) {
                        throw new IllegalArgumentException("only -F name=@file is known: " + form);
                    }
                    field = form.substring(0, eq);
                    file = dir.resolve(form.substring(eq + 2));
                    if (!Files.isRegularFile(file)) {
                        throw new IllegalArgumentException("curl would upload a file that is not there: " + file);
                    }
                }
                default -> {
                    if (w.startsWith("-") || url != null) {
                        throw new IllegalArgumentException("curl option not known to the docs checks: " + w);
                    }
                    url = w;
                }
            }
        }
        if (url == null || !url.startsWith("localhost:8080/")) {
            throw new IllegalArgumentException("a curl command must call localhost:8080/...: " + url);
        }
        if (body != null && file != null) {
            throw new IllegalArgumentException("both -d and -F");
        }
        if (method == null) {
            method = body != null || file != null ? "POST" : "GET";
        }
        if (body != null && headers.stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            headers.add("Content-Type");
            headers.add("application/x-www-form-urlencoded"); // as curl -d sends it
        }
        URI uri = URI.create("http://" + url);
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Curl(method, pathAndQuery, List.copyOf(headers), body, field, file);
    }

    private static String value(List<String> words, int i) {
        if (i >= words.size()) {
            throw new IllegalArgumentException("an option without its value: " + words);
        }
        return words.get(i);
    }

    /** A file curl sends: as it is for {@code --data-binary}, without its line breaks for {@code -d}. */
    private static byte[] read(Path file, boolean dropLineBreaks) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("curl would send a file that is not there: " + file);
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            return dropLineBreaks
                    ? new String(bytes, StandardCharsets.UTF_8)
                            .replace("\r", "")
                            .replace("\n", "")
                            .getBytes(StandardCharsets.UTF_8)
                    : bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The words of a command with these variables; an unknown {@code $NAME} is an error. */
    static List<String> words(String command, Function<String, String> variables) {
        return DocBlocks.words(command, variables);
    }
}
