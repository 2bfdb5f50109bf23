package org.tabserve.repository;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.tabserve.model.signature.ModelException;

/**
 * The words a failed load leaves in the repository's index, which anonymous callers read ({@code /models},
 * {@code /api/models}, {@code /v2/repository/index}, a 503's reason): the model, its file relative to the model
 * directory, and what is wrong, without the server's own paths; the log keeps those, with the stack trace.
 */
final class LoadFailure {

    private LoadFailure() {}

    /**
     * @param directory the model directory, whose path is taken out of the words
     * @param file      the file the load read, whose path is replaced by {@code shownAs}
     * @param shownAs   how callers see the file: its path in the directory, or "the uploaded file"
     * @param failure   anything the load threw, an {@link Error} too
     */
    static String reason(ModelKey key, Path directory, Path file, String shownAs, Throwable failure) {
        String words;
        if (failure instanceof ModelException e) {
            words = e.reason();
        } else {
            // Not a refusal the model layer worded: its words are Java's (a class name, an index), the log has them.
            words = "loading failed unexpectedly; the server log has the details under the file's name";
        }
        return "cannot serve model " + key + " (" + shownAs + "): "
                + otherPaths(hidePaths(words, directory, file, shownAs));
    }

    /**
     * An absolute path still in the words (a private copy's, a temporary file's, one a library named): its last name
     * alone, as a path of the server says nothing a user can use and tells a stranger how the server is laid out.
     */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.:/])(?:/[\\w.+@-]+)+/([\\w.+@-]+)");

    static String otherPaths(String words) {
        return ABSOLUTE_PATH.matcher(words).replaceAll("$1");
    }

    /** @return {@code file} as a path inside {@code directory}, the way callers may see it */
    static String shown(Path directory, Path file) {
        return file.startsWith(directory)
                ? directory.relativize(file).toString()
                : file.getFileName().toString();
    }

    /** Takes the file's and the directory's paths (as given and as resolved) out of words from elsewhere. */
    private static String hidePaths(String words, Path directory, Path file, String shownAs) {
        String hidden = words;
        for (Path path : new Path[] {file, file.toAbsolutePath(), realPath(file)}) {
            if (path != null) {
                hidden = hidden.replace(path.toString(), shownAs);
            }
        }
        for (Path path : new Path[] {directory, directory.toAbsolutePath(), realPath(directory)}) {
            if (path != null) {
                hidden = hidden.replace(path + java.io.File.separator, "")
                        .replace(path.toString(), "the model directory");
            }
        }
        return hidden;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException | SecurityException e) {
            return null; // gone (a temporary file), or not allowed: nothing more to hide
        }
    }
}
