package org.tabserve.serving.access;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A secret the server reads from a file of its own (the login client's secret, {@code --oidc-login-secret-file}),
 * checked as the API keys file is (owned by the server's user or root, written by no one else, in a folder no one else
 * may write unless it is sticky) and, as it is a secret, read by no one else either. The refusals name the file and
 * the setting, never what it holds.
 */
public final class SecretFile {

    private SecretFile() {}

    /**
     * @param setting the setting that named the file, as the refusals call it
     * @return the file's text, stripped of the white space around it (a line's end)
     * @throws IllegalArgumentException in words, for a file that is missing, empty, or that other users may write or
     *                                  read
     */
    public static String read(Path file, String setting) {
        String text = new String(
                        KeysFile.read(
                                file, "the secret file of " + setting, "put a secret of its own in its place", true),
                        StandardCharsets.UTF_8)
                .strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the secret file of " + setting + " " + file + " is empty");
        }
        return text;
    }
}
