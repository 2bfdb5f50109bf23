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
    /** A source location: a path ending in a C/C++ file name and a line number. */
    private static final Pattern LOCATION = Pattern.compile("\\S*\\.(?:cc|cpp|cxx|c|h|hpp):\\d+\\s*");
    /** What remains of a path outside a location (a file path of any kind, a URL is not expected). */
    private static final Pattern PATH = Pattern.compile("(?<![\\w.])(?:/[\\w.+-]+){2,}/?");

    /** A failure users meet, said in their words with what to do (a group of the pattern may be kept, as $1). */
    private record Known(Pattern pattern, String words) {}

    /** The failures users meet most, each matched anywhere in ONNX Runtime's message. */
    private static final List<Known> KNOWN = List.of(
            new Known(
                    Pattern.compile(".*protobuf parsing failed.*", Pattern.DOTALL),
                    "ONNX Runtime cannot parse it: the file may be cut short (copied or downloaded only in part) or"
                            + " not be an ONNX file at all; copy it again"),
            new Known(
                    Pattern.compile(
                            ".*Unsupported model IR version: (\\d+)(?:, max supported IR version: (\\d+))?.*",
                            Pattern.DOTALL),
                    "it was saved in ONNX format version $1, newer than this server's ONNX Runtime reads; export it"
                            + " again with an older ONNX (or target_opset) or run a newer tabserve"),
            new Known(
                    Pattern.compile(".*(?:Opset|opset) (\\d+) is under development.*", Pattern.DOTALL),
                    "it uses operator set $1, newer than this server's ONNX Runtime knows; export it with a lower"
                            + " target_opset"),
            new Known(
                    Pattern.compile(".*Could not find an implementation for (\\S+?)\\(.*", Pattern.DOTALL),
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
                return matcher.replaceFirst(known.words()).strip();
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
        String words =
                PATH.matcher(out).replaceAll("<path>").replaceAll("\\s+", " ").strip();
        if (words.length() > MAX_LENGTH) {
            words = words.substring(0, MAX_LENGTH - 3).strip() + "...";
        }
        return words.isEmpty() ? "no detail" : words;
    }

    /**
     * The index after a C++ function signature that starts at {@code at} ({@code ns::Type::name(args) const}), or
     * {@code at} when none starts there.
     */
    private static int afterSignature(String text, int at) {
        int open = text.indexOf('(', at);
        int space = text.indexOf(' ', at);
        if (open < 0
                || (space >= 0 && space < open)
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
