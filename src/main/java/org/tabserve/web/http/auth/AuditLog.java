package org.tabserve.web.http.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.serving.access.Quota;
import org.tabserve.web.http.Json;
import org.tabserve.web.http.RateLimitedLog;

/**
 * The audit log ({@code --audit-log FILE}): one JSON object a line for every admin action let through, every refused
 * credential (at most {@link #REFUSALS_A_MINUTE} lines a minute of each status, the next line saying how many were
 * left out, so that no flood of bad requests fills the disk), and every read or refusal of the API keys file. A line
 * names the client, the call and the caller's address, never a credential. The file is created owner-only and
 * appended to; a line is written whole, under a lock, and flushed.
 */
public final class AuditLog implements AutoCloseable {

    /** The audit log's file; unset, nothing is written. */
    public static final String AUDIT_LOG = "tabserve.audit-log";
    /** The most lines a minute of refused credentials of one status. */
    static final String REFUSALS_A_MINUTE = "60/m";
    /** Writes nothing. */
    public static final AuditLog OFF = new AuditLog(null, null);

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    private final Path file;
    private final OutputStream out;
    private final Map<Integer, Quota> refusals = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> leftOut = new ConcurrentHashMap<>();
    private final RateLimitedLog failed = new RateLimitedLog(LOG, Level.WARNING);

    /** One line. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(
            String time,
            String event,
            String client,
            String call,
            String from,
            Integer status,
            String detail,
            Long leftOut) {}

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
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            LOG.info("Audit log: " + file);
            return new AuditLog(file, out);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(
                    "setting " + AUDIT_LOG + ": the audit log " + file + " cannot be opened for appending: " + e);
        }
    }

    /** An admin action let through: {@code client} called {@code call}. */
    void admin(String client, AdminToken.Caller asker) {
        write(new Line(now(), "admin", client, asker.call(), asker.remoteAddress(), null, null, null));
    }

    /** A credential refused with {@code status} (401 or 403), for {@code why} (never the credential). */
    void refused(AdminToken.Caller asker, int status, String client, String why) {
        if (out == null) {
            return;
        }
        Quota quota = refusals.computeIfAbsent(status, s -> Quota.parse(REFUSALS_A_MINUTE));
        AtomicLong skipped = leftOut.computeIfAbsent(status, s -> new AtomicLong());
        if (quota.take(System.nanoTime()) > 0) {
            skipped.incrementAndGet();
            return;
        }
        long before = skipped.getAndSet(0);
        write(new Line(
                now(),
                "refused",
                client,
                asker.call(),
                asker.remoteAddress(),
                status,
                why,
                before == 0 ? null : before));
    }

    /** The API keys file was read, at start or again. */
    void keysRead(Path keys, int clients) {
        write(new Line(now(), "keys_read", null, null, null, null, keys + ": " + clients + " clients", null));
    }

    /** A change of the API keys file was refused: its clients stay as they were. */
    void keysRefused(String why) {
        write(new Line(now(), "keys_refused", null, null, null, null, why, null));
    }

    /** The OIDC issuer's keys were read, at start or again (for a token naming a key not among them). */
    void jwksRead(String detail) {
        write(new Line(now(), "jwks_read", null, null, null, null, detail, null));
    }

    /** The OIDC issuer's keys could not be read: those it last gave, if any, are kept. */
    void jwksFailed(String why) {
        write(new Line(now(), "jwks_failed", null, null, null, null, why, null));
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
