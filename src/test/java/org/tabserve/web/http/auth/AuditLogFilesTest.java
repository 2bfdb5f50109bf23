package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 76 item 12: the audit log gets the checks the API keys file gets. It is made owner-only, never appended to
 * through a symbolic link nor into another user's file, and never in a folder others may write unless the folder is
 * sticky; an existing log its group or others may read is made owner-only. A refusal names the setting, the file
 * and why, and stops the start.
 */
class AuditLogFilesTest {

    @TempDir
    Path dir;

    private static AuditLog open(Path file) {
        return AuditLog.open(key -> key.equals(AuditLog.AUDIT_LOG) ? Optional.of(file.toString()) : Optional.empty());
    }

    private static void written(AuditLog log) {
        log.keysRefused("a line");
        log.close();
    }

    @Test
    void aNewLogIsOwnerOnly() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        written(open(file));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertTrue(Files.readString(file).contains("keys_refused"));
    }

    @Test
    void aLinkInThePlaceOfTheLogIsRefusedAndItsTargetNeverWritten() throws Exception {
        Path target = Files.writeString(dir.resolve("elsewhere"), "someone else's\n");
        Path file = Files.createSymbolicLink(dir.resolve("audit.jsonl"), target);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(file));
        assertTrue(e.getMessage().contains(AuditLog.AUDIT_LOG), e.getMessage());
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        assertEquals("someone else's\n", Files.readString(target));
    }

    @Test
    void aFolderOthersMayWriteIsRefusedUnlessSticky() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> open(shared.resolve("audit.jsonl")));
        assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());
        assertTrue(Files.notExists(shared.resolve("audit.jsonl")), "nothing made there");

        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777); // as /tmp: only a file's owner may rename or remove it
        written(open(sticky.resolve("audit.jsonl")));
        assertEquals(
                PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(sticky.resolve("audit.jsonl")));
    }

    @Test
    void anExistingLogReadableByOthersIsMadeOwnerOnlyAndAppendedTo() throws Exception {
        Path file = Files.writeString(dir.resolve("audit.jsonl"), "{\"event\":\"older\"}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        written(open(file));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        String text = Files.readString(file);
        assertTrue(text.startsWith("{\"event\":\"older\"}\n") && text.contains("keys_refused"), text);
    }

    @Test
    void aLogOfAnotherUserIsRefused() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "only root can give a file to another user (nobody) to plant it");
        Path file = Files.writeString(dir.resolve("audit.jsonl"), "someone else's\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(
                file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(file));
        assertTrue(e.getMessage().contains("is owned by nobody"), e.getMessage());
        assertEquals("someone else's\n", Files.readString(file));
    }
}
