package org.tabserve.serving.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tabserve.testing.KeyDigests.sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.serving.budget.ServingException;

/** The API keys file: who may write it, what a line holds, how a key is matched, and how a change is read. */
class ApiKeysTest {

    private static final String KEY = "a-key-of-32-characters-or-so-0123456789";

    @TempDir
    Path dir;

    private Path keys(String text, String permissions) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void aFileOtherUsersCanWriteIsRefusedInWords() throws IOException {
        for (String permissions : List.of("rw-rw----", "rw-r--rw-", "rw-rw-rw-")) {
            Path file = keys("app predict " + sha256(KEY) + "\n", permissions);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiKeys.open(file));
            assertTrue(refused.getMessage().contains("can be written by other users"), refused.getMessage());
            assertTrue(refused.getMessage().contains("chmod go-w"), refused.getMessage());
            assertFalse(refused.getMessage().contains(sha256(KEY)), "no digest in the words");
        }
    }

    @Test
    void aFileOnlyItsOwnerCanWriteIsRead() throws IOException {
        ApiKeys keys = ApiKeys.open(
                keys("# a comment\n\napp predict:titanic,read " + sha256(KEY) + " 20/s # x\n", "rw-r--r--"));
        Caller app = keys.callerOf(KEY).orElseThrow();
        assertEquals("app", app.name());
        assertTrue(app.may(Scope.PREDICT, "titanic"));
        assertFalse(app.may(Scope.PREDICT, "iris"));
        assertTrue(app.may(Scope.READ, "iris"));
        assertFalse(app.may(Scope.ADMIN, null));
    }

    @Test
    void aLineMayGiveItsClientADailyQuota() throws IOException {
        ApiKeys keys = ApiKeys.open(keys("nightly predict " + sha256(KEY) + " 50000/d\n", "rw-------"));
        Caller nightly = keys.callerOf(KEY).orElseThrow();
        assertEquals("50000/d", nightly.quota().toString());
        assertEquals(50_000, nightly.quota().permits(0));
        assertEquals(86_400, nightly.quota().windowSeconds(0));
    }

    @Test
    void aLineMayGiveItsClientSeveralRatesJoinedByPlus() throws IOException {
        ApiKeys keys = ApiKeys.open(keys("notes predict " + sha256(KEY) + " 20/s+50000/d\n", "rw-------"));
        Caller notes = keys.callerOf(KEY).orElseThrow();
        assertEquals("20/s+50000/d", notes.quota().toString());
        assertEquals(2, notes.quota().rates());
        assertEquals(86_400, notes.quota().windowSeconds(1));
        for (String rate :
                List.of("20/s+", "+5/d", "5/d+6/d", "1/s+2/m+3/h+4/d+5/min", "20/s+" + "9".repeat(300) + "/d")) {
            Path file = keys("# first\nnotes predict " + sha256(KEY) + " " + rate + "\n", "rw-------");
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiKeys.open(file));
            assertTrue(
                    refused.getMessage().contains("line 2")
                            && refused.getMessage().contains("+"),
                    refused.getMessage());
            assertTrue(refused.getMessage().length() < 500, refused.getMessage());
        }
    }

    /**
     * A client certificate's CN finds the line of that name whose key column is {@code -}, and never a client that has
     * a key: a certificate named after a keyed client does not get its scopes.
     */
    @Test
    void aNameFindsOnlyAClientWithoutAKey() throws IOException {
        ApiKeys keys = ApiKeys.open(keys("notes predict:banknote - 5/s\nops admin " + sha256(KEY) + "\n", "rw-------"));
        Caller notes = keys.callerNamed("notes").orElseThrow();
        assertTrue(notes.known() && notes.may(Scope.PREDICT, "banknote") && !notes.may(Scope.ADMIN, null));
        assertEquals("5/s", notes.quota().toString());
        assertTrue(keys.callerNamed("ops").isEmpty(), "a keyed client is named by its key alone");
        assertTrue(keys.callerNamed("Notes").isEmpty());
        assertTrue(keys.callerOf("-").isEmpty(), "no key is -");
    }

    @Test
    void aKeyThatDiffersInItsLastByteIsNoKey() throws IOException {
        ApiKeys keys = ApiKeys.open(keys("app predict " + sha256(KEY) + "\n", "rw-------"));
        String last = KEY.substring(0, KEY.length() - 1) + (char) (KEY.charAt(KEY.length() - 1) ^ 1);
        assertTrue(keys.callerOf(KEY).isPresent());
        assertTrue(keys.callerOf(last).isEmpty());
        assertTrue(keys.callerOf(KEY + " ").isEmpty());
        assertTrue(keys.callerOf(sha256(KEY)).isEmpty(), "the digest is not the key");
    }

    @Test
    void aWrongLineIsRefusedNamingItsLineAndNeverItsDigest() throws IOException {
        String digest = sha256(KEY);
        for (String line : List.of(
                "app " + digest + " predict", // columns swapped
                "app predict " + digest.substring(1),
                "app predict " + digest + " fast",
                "app predict " + digest + " 500/day",
                "app write " + digest,
                "app predict",
                "a/b predict " + digest)) {
            Path file = keys("# first\n" + line + "\n", "rw-------");
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiKeys.open(file));
            assertTrue(refused.getMessage().contains("line 2"), refused.getMessage());
            assertFalse(refused.getMessage().contains(digest.substring(1, 40)), refused.getMessage());
        }
        Path twice = keys("app predict " + digest + "\napp read " + sha256("other") + "\n", "rw-------");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiKeys.open(twice))
                .getMessage()
                .contains("named twice"));
    }

    @Test
    void aChangedFileIsReadAgainOnceItsCheckIsDue() throws IOException {
        AtomicLong now = new AtomicLong();
        Path file = keys("app predict " + sha256(KEY) + "\n", "rw-------");
        ApiKeys keys = ApiKeys.open(file, now::get);
        Files.writeString(file, "other predict " + sha256("other-key") + "\n");
        assertTrue(keys.callerOf(KEY).isPresent(), "not looked at again before its check is due");
        now.addAndGet(TimeUnit.SECONDS.toNanos(ApiKeys.CHECK_SECONDS));
        assertTrue(keys.callerOf(KEY).isEmpty(), "a key removed stops working");
        assertEquals("other", keys.callerOf("other-key").orElseThrow().name(), "a key added works");
        // A change that makes the file writable by others is refused: the clients stay as they were.
        Files.writeString(file, "third predict " + sha256("third-key") + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        now.addAndGet(TimeUnit.SECONDS.toNanos(ApiKeys.CHECK_SECONDS));
        assertTrue(keys.callerOf("third-key").isEmpty());
        assertTrue(keys.callerOf("other-key").isPresent());
    }

    /** What the server tells a caller without a credential to send. */
    private static final String SEND = "send Authorization: Bearer KEY";

    @Test
    void aCallerWithoutTheScopeIsRefusedNamingIt() {
        Caller notes = Caller.of("notes", List.of(Grant.parse("predict:banknote")));
        notes.require(Scope.PREDICT, "banknote", SEND);
        ServingException refused =
                assertThrows(ServingException.class, () -> notes.require(Scope.PREDICT, "iris", SEND));
        assertEquals(ServingException.Kind.FORBIDDEN, refused.kind());
        assertTrue(refused.getMessage().contains("predict:iris"), refused.getMessage());
        assertEquals(
                ServingException.Kind.UNAUTHENTICATED,
                assertThrows(ServingException.class, () -> Caller.NOBODY.require(Scope.READ, null, SEND))
                        .kind());
        assertTrue(
                assertThrows(ServingException.class, () -> Caller.NOBODY.require(Scope.READ, null, SEND))
                        .getMessage()
                        .endsWith(": " + SEND),
                "a caller without a credential is told what to send");
        Caller.OPEN.require(Scope.PREDICT, "iris", SEND);
        assertThrows(ServingException.class, () -> Caller.OPEN.require(Scope.ADMIN, null, SEND));
    }

    @Test
    void aClientsBucketOutlivesAReReadThatKeepsItsRate() throws IOException {
        AtomicLong now = new AtomicLong();
        Path file = keys("app predict " + sha256(KEY) + " 1/h\n", "rw-------");
        ApiKeys keys = ApiKeys.open(file, now::get);
        assertEquals(0, keys.callerOf(KEY).orElseThrow().quota().take(now.get()));
        Files.writeString(file, "app predict " + sha256(KEY) + " 1/h\nother read " + sha256("other-key") + "\n");
        now.addAndGet(TimeUnit.SECONDS.toNanos(ApiKeys.CHECK_SECONDS));
        assertTrue(keys.callerOf("other-key").isPresent(), "read again");
        assertTrue(keys.callerOf(KEY).orElseThrow().quota().take(now.get()) > 0, "its hour's request is spent");
        Files.writeString(file, "app predict " + sha256(KEY) + " 2/h\n");
        now.addAndGet(TimeUnit.SECONDS.toNanos(ApiKeys.CHECK_SECONDS));
        assertEquals(0, keys.callerOf(KEY).orElseThrow().quota().take(now.get()), "a new rate starts a new bucket");
    }

    @Test
    void aLinkIsFollowedAndItsTargetChecked() throws IOException {
        Path target = keys("app predict " + sha256(KEY) + "\n", "r--------");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target); // as a Kubernetes Secret mounts its files
        assertTrue(ApiKeys.open(link).callerOf(KEY).isPresent());
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw--w----"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiKeys.open(link));
        assertTrue(refused.getMessage().contains("can be written by other users"), refused.getMessage());
    }

    @Test
    void aFileInAFolderOthersCanWriteIsRefused() throws IOException {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path file = shared.resolve("keys");
        Files.writeString(file, "app predict " + sha256(KEY) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiKeys.open(file));
        assertTrue(refused.getMessage().contains("the folder " + shared), refused.getMessage());
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
        assertTrue(ApiKeys.open(file).callerOf(KEY).isPresent());
    }
}
