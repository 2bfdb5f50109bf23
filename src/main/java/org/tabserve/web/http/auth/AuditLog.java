package org.tabserve.web.http.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.files.WrittenFile;
import org.tabserve.serving.access.Quota;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.RateLimitedLog;

/**
 * The audit log ({@code --audit-log FILE}): one JSON object a line for every admin action let through, every refused
 * credential, and every read or refusal of the API keys file. Every refusal on an admin route is written; other
 * refusals are written at most {@link #REFUSALS_A_MINUTE} lines a minute of each status for each caller (a known
 * client by its name, any other by its address), that caller's next line saying how many of its own were left out,
 * so that no flood of bad requests fills the disk, and no flood from one caller hides another's (issue 76: a cap
 * shared by every caller left a known client's attempts on the admin routes without a line). A line names the client,
 * the call and the caller's address, never a credential. The file is opened as {@link WrittenFile} says (owner-only,
 * never through a link, in a folder only the server's user can write) and appended to; a line is written whole,
 * under a lock, and flushed.
 */
public final class AuditLog implements AutoCloseable {

    /** The audit log's file; unset, nothing is written. */
    public static final String AUDIT_LOG = "tabserve.audit-log";
    /** The most lines a minute of one caller's refused credentials of one status, off the admin routes. */
    static final String REFUSALS_A_MINUTE = "60/m";
    /**
     * The most callers whose refusals are counted each on its own at once; callers refused past them within a minute
     * share one count of {@link #REFUSALS_A_MINUTE} for each status, so that a flood from many addresses cannot fill
     * the heap either.
     */
    static final int CALLERS_COUNTED = 4096;

    private static final long MINUTE_NANOS = 60_000_000_000L;
    /** Writes nothing. */
    public static final AuditLog OFF = new AuditLog(null, null);

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    private final Path file;
    private final OutputStream out;
    /** Each caller's refusals of each status, by {@link #who} and status; guarded by itself. */
    private final Map<String, Refusals> refusals = new HashMap<>();
    /** When callers not refused for a minute were last let go from {@link #refusals}; guarded by it. */
    private long swept = System.nanoTime();

    private final RateLimitedLog failed = new RateLimitedLog(LOG, Level.WARNING);

    /** One line. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(
            String time,
            String event,
            String client,
            String kind,
            String call,
            String from,
            Integer status,
            String detail,
            Long leftOut) {}

    /** One caller's refusals of one status: its lines' quota, and how many of its lines were left out since its last. */
    private static final class Refusals {
        final Quota quota = Quota.parse(REFUSALS_A_MINUTE);
        long leftOut;
        long last;
    }

    private AuditLog(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the audit log the settings name, if any.
     *
     * @throws IllegalArgumentException in words, when the file cannot be opened for appending
     */
    public static AuditLog open(Function<String, Optional<String>> lookup) {
        Optional<String> setting = lookup.apply(AUDIT_LOG);
        if (setting.isEmpty()) {
            return OFF;
        }
        Path file = Path.of(setting.get()).toAbsolutePath();
        try {
            OutputStream out = Channels.newOutputStream(
                    WrittenFile.openForAppending(file, "the audit log", fixed -> LOG.warning("Audit log: " + fixed)));
            LOG.info("Audit log: " + file);
            return new AuditLog(file, out);
        } catch (WrittenFile.Refused e) {
            throw new IllegalArgumentException("setting " + AUDIT_LOG + ": " + e.getMessage());
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(
                    "setting " + AUDIT_LOG + ": the audit log " + file + " cannot be opened for appending: " + e);
        }
    }

    /** An admin action let through: {@code caller} called {@code call}. */
    void admin(org.tabserve.serving.access.Caller caller, AdminToken.Caller asker) {
        admin(caller.name(), caller.kind().word(), asker);
    }

    /** An admin action let through: {@code client}, named so by a credential of {@code kind}, called {@code call}. */
    void admin(String client, String kind, AdminToken.Caller asker) {
        write(new Line(now(), "admin", client, kind, asker.call(), asker.remoteAddress(), null, null, null));
    }

    /**
     * A credential refused with {@code status} (401 or 403), for {@code why} (never the credential): always written
     * on an admin route, else within the caller's {@link #REFUSALS_A_MINUTE} of that status.
     *
     * @param known      the known client refused (a missing scope), or null for a caller no credential names: its
     *                   line says what kind of credential it sent ({@link #sent})
     * @param adminRoute whether the call was to an admin route (the admin routes, the repository's load and unload)
     */
    void refused(
            AdminToken.Caller asker,
            int status,
            org.tabserve.serving.access.Caller known,
            String why,
            boolean adminRoute) {
        refused(
                asker,
                status,
                known,
                why,
                adminRoute,
                known == null ? sent(asker) : known.kind().word());
    }

    private void refused(
            AdminToken.Caller asker,
            int status,
            org.tabserve.serving.access.Caller known,
            String why,
            boolean adminRoute,
            String kind) {
        if (out == null) {
            return;
        }
        String client = known == null ? null : known.name();
        Long before = null;
        if (!adminRoute) {
            long now = System.nanoTime();
            synchronized (refusals) {
                Refusals of = refusalsOf(who(client, asker) + " " + status, status, now);
                of.last = now;
                if (of.quota.take(now) > 0) {
                    of.leftOut++;
                    return;
                }
                before = of.leftOut == 0 ? null : of.leftOut;
                of.leftOut = 0;
            }
        }
        write(new Line(now(), "refused", client, kind, asker.call(), asker.remoteAddress(), status, why, before));
    }

    /**
     * @return the kind of credential a caller no credential named sent, never a word of it: {@code token} (a bearer
     *         credential shaped as a JWT), {@code bearer} (any other: a key, or the admin or feedback token, not the
     *         server's), {@code certificate} (a client certificate alone), or {@code none}
     */
    static String sent(AdminToken.Caller asker) {
        if (AdminToken.isBearer(asker.authorization())) {
            return org.tabserve.serving.access.oidc.OidcTokens.looksLikeToken(
                            asker.authorization().substring(7).strip())
                    ? "token"
                    : "bearer";
        }
        return asker.certificate() != null ? "certificate" : "none";
    }

    /** @return whom a refusal's count is of: a known client by its name, any other caller by its address */
    private static String who(String client, AdminToken.Caller asker) {
        return client != null ? "client " + client : "from " + asker.remoteAddress();
    }

    /**
     * @return the count of {@code key}'s refusals; past {@link #CALLERS_COUNTED} callers refused within a minute, the
     *         count the others share for {@code status}
     */
    private Refusals refusalsOf(String key, int status, long now) {
        Refusals of = refusals.get(key);
        if (of != null) {
            return of;
        }
        if (refusals.size() >= CALLERS_COUNTED && now - swept > 1_000_000_000L) {
            refusals.values().removeIf(r -> now - r.last > MINUTE_NANOS); // each with a full quota again
            swept = now;
        }
        return refusals.computeIfAbsent(
                refusals.size() >= CALLERS_COUNTED ? "others " + status : key, k -> new Refusals());
    }

    /**
     * A refusal by the pages' sign-in (401 or 403): a sign-in's answer the server refused (no one is signed in yet:
     * {@code person} null), or a request of a person's session refused (a post without the session's CSRF token),
     * counted as {@link #refused} counts, of kind {@code person}.
     */
    public void refusedPerson(String person, String call, String from, int status, String why) {
        refused(
                new AdminToken.Caller(call, null, from, null),
                status,
                person == null ? null : org.tabserve.serving.access.Caller.of(person, java.util.List.of()),
                why,
                false,
                "person");
    }

    /** A person signed in to the pages through the OIDC issuer, by name ({@code user:NAME}), from an address. */
    public void signedIn(String person, String from) {
        write(new Line(now(), "sign_in", person, "person", null, from, null, null, null));
    }

    /** A person's session was ended by their sign-out, by name, from an address. */
    public void signedOut(String person, String from) {
        write(new Line(now(), "sign_out", person, "person", null, from, null, null, null));
    }

    /** The API keys file was read, at start or again. */
    void keysRead(Path keys, int clients) {
        write(new Line(now(), "keys_read", null, null, null, null, null, keys + ": " + clients + " clients", null));
    }

    /** A change of the API keys file was refused: its clients stay as they were. */
    void keysRefused(String why) {
        write(new Line(now(), "keys_refused", null, null, null, null, null, why, null));
    }

    /** The OIDC issuer's keys were read, at start or again (for a token naming a key not among them). */
    void jwksRead(String detail) {
        write(new Line(now(), "jwks_read", null, null, null, null, null, detail, null));
    }

    /** The OIDC issuer's keys could not be read: those it last gave, if any, are kept. */
    void jwksFailed(String why) {
        write(new Line(now(), "jwks_failed", null, null, null, null, null, why, null));
    }

    private void write(Line line) {
        if (out == null) {
            return;
        }
        try {
            byte[] bytes = (Json.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (this) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            failed.log(() -> "The audit log " + file + " could not be written: " + e.getMessage());
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warning("The audit log " + file + " did not close: " + e.getMessage());
            }
        }
    }
}
