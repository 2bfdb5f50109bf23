package org.tabserve.model.onnx;

import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an ONNX Runtime error into the words of a reason that anyone may read (model lists show load failures to
 * anonymous callers): ONNX Runtime's messages carry its build's source paths and C++ signatures
 * ({@code /onnxruntime_src/onnxruntime/core/graph/model.cc:192 onnxruntime::Model::Model(...) Unsupported model IR
 * version: 99}), which say nothing to a user and describe the server. What is left is ONNX Runtime's sentence.
 */
final class OrtMessages {

    /** Longest sentence kept; the rest of ONNX Runtime's message goes to the log with the exception. */
    static final int MAX_LENGTH = 300;

    /** "Error code - ORT_FAIL - message: ", which the Java binding puts before every message. */
    private static final Pattern CODE = Pattern.compile("^\\s*Error code - \\w+ - message:\\s*");
    /**
     * A source location: a word (from its first character, so that a search tries each word once: a search from
     * every character of a long word took time in the square of its length) ending in a C/C++ file name and a line
     * number.
     */
    private static final Pattern LOCATION = Pattern.compile("(?<!\\S)\\S*\\.(?:cc|cpp|cxx|c|h|hpp):\\d+\\s*");

    /**
     * A failure users meet, found anywhere in ONNX Runtime's message and said in its own words with what to do (a
     * group of the pattern may be kept, as $1). The pattern is searched for, never matched against the whole message
     * ({@code .*} before it would try every start and take time in the square of the message's length).
     */
    private record Known(Pattern pattern, String words) {

        /** The words, with each {@code $n} replaced by the text of the found group {@code n}. */
        String wordsFor(Matcher found) {
            String said = words;
            for (int group = found.groupCount(); group >= 1; group--) {
                String text = found.group(group);
                said = said.replace("$" + group, text == null ? "" : text);
            }
            return said;
        }
    }

    /** The failures users meet most, each matched anywhere in ONNX Runtime's message. */
    private static final List<Known> KNOWN = List.of(
            new Known(
                    Pattern.compile("protobuf parsing failed"),
                    "ONNX Runtime cannot parse it: the file may be cut short (copied or downloaded only in part) or"
                            + " not be an ONNX file at all; copy it again"),
            new Known(
                    Pattern.compile("Unsupported model IR version: (\\d+)"),
                    "it was saved in ONNX format version $1, newer than this server's ONNX Runtime reads; export it"
                            + " again with an older ONNX (or target_opset) or run a newer tabserve"),
            new Known(
                    Pattern.compile("(?:Opset|opset) (\\d+) is under development"),
                    "it uses operator set $1, newer than this server's ONNX Runtime knows; export it with a lower"
                            + " target_opset"),
            new Known(
                    Pattern.compile("Could not find an implementation for ([^\\s(]+)\\("),
                    "this server's ONNX Runtime has no implementation of its operator $1 for the types the model"
                            + " uses; export it with another target_opset or types"));

    private OrtMessages() {}

    /**
     * @return ONNX Runtime's sentence without source paths, signatures or paths, on one line and at most
     *         {@link #MAX_LENGTH} characters; "no detail" when nothing is left
     */
    static String inWords(OrtException e) {
        return inWords(e.getMessage());
    }

    static String inWords(String message) {
        if (message == null) {
            return "no detail";
        }
        for (Known known : KNOWN) {
            Matcher matcher = known.pattern().matcher(message);
            if (matcher.find()) {
                return known.wordsFor(matcher).strip();
            }
        }
        String text = CODE.matcher(message).replaceFirst("");
        StringBuilder out = new StringBuilder();
        Matcher location = LOCATION.matcher(text);
        int from = 0;
        while (location.find(from)) {
            out.append(text, from, location.start());
            from = afterSignature(text, location.end());
        }
        out.append(text.substring(from));
        String words = withoutPaths(out).replaceAll("\\s+", " ").strip();
        if (words.length() > MAX_LENGTH) {
            words = words.substring(0, MAX_LENGTH - 3).strip() + "...";
        }
        return words.isEmpty() ? "no detail" : words;
    }

    /**
     * The text with each path that remains outside a location (two or more {@code /segment}s, a segment of letters,
     * digits and {@code _.+-}, not inside a word; a file path of any kind, a URL is not expected) as {@code <path>}.
     * A loop, not a pattern: a pattern's repeated group recursed once a segment and overflowed the stack on a long
     * path.
     */
    private static String withoutPaths(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (at < text.length()) {
            if (text.charAt(at) == '/' && (at == 0 || !wordOrDot(text.charAt(at - 1)))) {
                int end = at;
                int segments = 0;
                while (end + 1 < text.length() && text.charAt(end) == '/' && inSegment(text.charAt(end + 1))) {
                    end += 2;
                    while (end < text.length() && inSegment(text.charAt(end))) {
                        end++;
                    }
                    segments++;
                }
                if (segments >= 2) {
                    out.append("<path>");
                    at = end < text.length() && text.charAt(end) == '/' ? end + 1 : end;
                    continue;
                }
            }
            out.append(text.charAt(at++));
        }
        return out.toString();
    }

    private static boolean wordOrDot(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    }

    private static boolean inSegment(char c) {
        return wordOrDot(c) || c == '+' || c == '-';
    }

    /**
     * The index after a C++ function signature that starts at {@code at} ({@code ns::Type::name(args) const}), or
     * {@code at} when none starts there.
     */
    private static int afterSignature(String text, int at) {
        int open = at; // the first '(' or ' ' after the location, looked for no further (each location's own search)
        while (open < text.length() && text.charAt(open) != '(' && text.charAt(open) != ' ') {
            open++;
        }
        if (open == text.length()
                || text.charAt(open) != '('
                || !text.substring(at, open).contains("::")) {
            return at;
        }
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                int end = i + 1;
                if (text.startsWith(" const", end)) {
                    end += " const".length();
                }
                return end;
            }
        }
        return text.length(); // an unclosed signature: nothing after it is a sentence
    }
}
