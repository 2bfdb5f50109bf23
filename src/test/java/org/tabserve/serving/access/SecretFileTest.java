package org.tabserve.serving.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login client's secret file ({@code --oidc-login-secret-file}) is read only as the keys file is, and more: a file
 * another user may read or write, an empty one, or one in a folder others may write is refused in words naming the
 * setting and the file, never the secret.
 */
class SecretFileTest {

    private static final String SETTING = "tabserve.oidc-login-secret-file";
    private static final String SECRET = "s3cr3t-of-the-login-client";

    @TempDir
    Path dir;

    private Path secret(String text, String permissions) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void anOwnerOnlyFileIsReadWithoutItsLineEnd() throws Exception {
        assertEquals(SECRET, SecretFile.read(secret(SECRET + "\n", "rw-------"), SETTING));
    }

    @Test
    void aFileOthersMayReadOrWriteIsRefusedNamingWhyAndNeverTheSecret() throws Exception {
        for (String permissions : List.of("rw-r--r--", "rw-r-----", "rw-rw----", "rw----rw-")) {
            Path file = secret(SECRET, permissions);
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> SecretFile.read(file, SETTING), permissions);
            assertTrue(
                    refused.getMessage().contains(SETTING)
                            && refused.getMessage().contains(file.toString()),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("other users"), refused.getMessage());
            assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
        }
    }

    @Test
    void anEmptyFileAndAFileInAFolderOthersMayWriteAreRefused() throws Exception {
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class, () -> SecretFile.read(secret(" \n", "rw-------"), SETTING));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
        Path file = secret(SECRET, "rw-------");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            IllegalArgumentException folder =
                    assertThrows(IllegalArgumentException.class, () -> SecretFile.read(file, SETTING));
            assertTrue(folder.getMessage().contains("can be written by other users"), folder.getMessage());
            assertFalse(folder.getMessage().contains(SECRET), folder.getMessage());
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
