package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.serving.access.ApiKeys;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.WebConfig;

/**
 * Issue 93: the admin and the feedback token are API keys of their own clients ({@code admin-token} with the scopes
 * {@code admin} and {@code label:any}, {@code feedback-token} with {@code label:any}), matched by the keys' one path,
 * and each names its caller of its own kind in the records ({@code admin_token}, {@code feedback_token}), beside a
 * keys file as without one.
 */
class TokenKeysTest {

    private static final String ADMIN = "admin-0123456789abcdef";
    private static final String LABELS = "labels-0123456789abcdef";

    @TempDir
    Path dir;

    private Credentials credentials(boolean keysFile, String admin, String labels) throws Exception {
        Optional<ApiKeys> keys = Optional.empty();
        if (keysFile) {
            Path file = dir.resolve("keys");
            Files.write(file, List.of("notes predict -"));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            keys = Optional.of(ApiKeys.open(file));
        }
        AdminToken token = new AdminToken(
                WebConfig.resolve(Map.of(WebConfig.ADMIN_TOKEN, admin)::get, Map.<String, String>of()::get, Map.of()),
                new TabserveMetrics());
        return new Credentials(
                keys,
                Optional.empty(),
                FeedbackToken.resolve(
                        key -> key.equals(FeedbackToken.FEEDBACK_TOKEN) ? Optional.of(labels) : Optional.empty(),
                        token));
    }

    @Test
    void theAdminAndFeedbackTokensNameTheirClientsOfTheirKindWithTheirScopes() throws Exception {
        for (boolean keysFile : List.of(true, false)) {
            Credentials credentials = credentials(keysFile, ADMIN, LABELS);
            Caller admin = credentials.caller("Bearer " + ADMIN);
            assertEquals("admin-token", admin.name());
            assertEquals("admin_token", admin.kind().word(), "the records' client_kind");
            assertTrue(
                    admin.mayAll(Scope.ADMIN) && admin.mayAll(Scope.LABEL_ANY),
                    admin.grants().toString());
            assertFalse(admin.may(Scope.PREDICT, "notes"));
            Caller labels = credentials.caller("bearer  " + LABELS + " ");
            assertEquals("feedback-token", labels.name());
            assertEquals("feedback_token", labels.kind().word());
            assertTrue(labels.mayAll(Scope.LABEL_ANY));
            assertFalse(labels.may(Scope.ADMIN, null));
        }
        ServingException refused = assertThrows(
                ServingException.class, () -> credentials(true, ADMIN, LABELS).caller("Bearer " + ADMIN + "x"));
        assertTrue(refused.getMessage().contains("nor its admin or feedback token"), refused.getMessage());
        assertEquals(
                "admin-token",
                credentials(true, ADMIN, ADMIN).caller("Bearer " + ADMIN).name(),
                "the admin token names its caller when the feedback token is the same");
    }
}
