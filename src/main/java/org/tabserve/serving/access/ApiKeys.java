package org.tabserve.serving.access;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The clients of the API keys file ({@code --api-keys}), by their keys: a key is matched by its SHA-256 against every
 * client's digest, each compared in constant time and all of them compared whatever matched, so that neither a key,
 * its length nor its place in the file shows in the time an answer takes. The file is read again when it changes, as
 * model files are: at most once every {@link #CHECK_SECONDS}, by the request that finds the check due (the others go on
 * with the clients as they were). A file that becomes unreadable or wrong keeps the clients it last gave, and says why
 * in the log once for each change.
 */
public final class ApiKeys {

    /** How often the file is looked at again, at most. */
    public static final int CHECK_SECONDS = 1;

    private static final Logger LOG = Logger.getLogger(ApiKeys.class.getName());

    private final Path file;
    private final LongSupplier nanoTime;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile List<KeysFile.Client> clients;
    /** Each client's rate by its name, kept across reads of the file while its rate stays as written. */
    private volatile Map<String, Quota> quotas;
    /** The SHA-256 of the bytes {@link #clients} came from, or of the last bytes refused, to notice a change. */
    private byte[] seen;

    private volatile long nextCheck;
    private volatile Reads reads = Reads.NONE;

    /** Who is told of each read of the file after the first (the audit log). */
    public interface Reads {
        Reads NONE = new Reads() {
            @Override
            public void read(Path file, int clients) {}

            @Override
            public void refused(String why) {}
        };

        /** The file was read again: it names {@code clients} clients now. */
        void read(Path file, int clients);

        /** A change of the file was refused, in words that quote no digest: its clients stay as they were. */
        void refused(String why);
    }

    private ApiKeys(Path file, LongSupplier nanoTime, byte[] bytes, List<KeysFile.Client> clients) {
        this.file = file;
        this.nanoTime = nanoTime;
        this.seen = sha256(bytes);
        this.clients = List.copyOf(clients);
        this.quotas = quotas(clients, Map.of());
        this.nextCheck = nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(CHECK_SECONDS);
    }

    /**
     * A key a setting gives rather than a line of the file (the admin token, the feedback token): the caller it names,
     * of its own kind, with its scopes.
     */
    public record Given(String key, String name, List<Grant> grants, Caller.Kind kind) {

        @Override
        public String toString() {
            return "Given[" + name + "]"; // never the key
        }
    }

    /**
     * Keys the settings give, matched as the file's are (each client's digest compared in constant time, all of them
     * whatever matched); never read again.
     */
    public static ApiKeys given(List<Given> keys) {
        List<KeysFile.Client> clients = keys.stream()
                .map(k -> new KeysFile.Client(
                        k.name(), k.grants(), sha256(k.key().getBytes(StandardCharsets.UTF_8)), null, k.kind()))
                .toList();
        return new ApiKeys(null, System::nanoTime, new byte[0], clients);
    }

    /**
     * Reads the keys file.
     *
     * @throws IllegalArgumentException in words, for a file that is missing, writable by another user, or wrong
     */
    public static ApiKeys open(Path file) {
        return open(file, System::nanoTime);
    }

    static ApiKeys open(Path file, LongSupplier nanoTime) {
        byte[] bytes = KeysFile.read(file);
        return new ApiKeys(file, nanoTime, bytes, KeysFile.parse(bytes, file));
    }

    /** @return how many clients the file names, as last read */
    public int size() {
        return clients.size();
    }

    /** Tells {@code reads} of every read of the file from now on. */
    public void tell(Reads reads) {
        this.reads = reads;
    }

    /** @return the file the keys are read from; null for keys the settings give */
    public Path file() {
        return file;
    }

    /**
     * @param key a key as a client sent it
     * @return the client whose key it is, if any
     */
    public Optional<Caller> callerOf(String key) {
        checkIfDue();
        byte[] digest = sha256(key.getBytes(StandardCharsets.UTF_8));
        KeysFile.Client found = null;
        for (KeysFile.Client client : clients) { // every one, whichever matches
            if (client.digest() != null && MessageDigest.isEqual(digest, client.digest())) {
                found = client;
            }
        }
        return found == null
                ? Optional.empty()
                : Optional.of(new Caller(found.name(), found.grants(), true, quotas.get(found.name()), found.kind()));
    }

    /**
     * @param name a client's name as another credential gave it (a TLS client certificate's CN)
     * @return the client of the file's line of that name whose key column is {@code -}, if any: a client with a key
     *         is named by its key alone
     */
    public Optional<Caller> callerNamed(String name) {
        checkIfDue();
        for (KeysFile.Client client : clients) {
            if (client.digest() == null && client.name().equals(name)) {
                return Optional.of(new Caller(client.name(), client.grants(), true, quotas.get(client.name())));
            }
        }
        return Optional.empty();
    }

    /** Reads the file again when its check is due and no other request is reading it. */
    private void checkIfDue() {
        long now = nanoTime.getAsLong();
        if (file == null || now - nextCheck < 0 || !checking.tryLock()) {
            return;
        }
        try {
            if (now - nextCheck < 0) {
                return;
            }
            nextCheck = now + TimeUnit.SECONDS.toNanos(CHECK_SECONDS);
            reread();
        } finally {
            checking.unlock();
        }
    }

    private void reread() {
        byte[] bytes;
        try {
            bytes = KeysFile.read(file);
        } catch (IllegalArgumentException e) {
            byte[] marker = sha256(e.getMessage().getBytes(StandardCharsets.UTF_8));
            if (!MessageDigest.isEqual(marker, seen)) {
                seen = marker;
                LOG.warning("The API keys file was not read again, its " + clients.size() + " clients stay as they"
                        + " were: " + e.getMessage());
                reads.refused(e.getMessage());
            }
            return;
        }
        byte[] digest = sha256(bytes);
        if (MessageDigest.isEqual(digest, seen)) {
            return;
        }
        seen = digest;
        try {
            List<KeysFile.Client> read = KeysFile.parse(bytes, file);
            quotas = quotas(read, quotas);
            clients = List.copyOf(read);
            LOG.info("Read the API keys file " + file + " again: " + read.size() + " clients");
            reads.read(file, read.size());
        } catch (IllegalArgumentException e) {
            LOG.warning("The API keys file changed but is refused, its " + clients.size() + " clients stay as they"
                    + " were: " + e.getMessage());
            reads.refused(e.getMessage());
        }
    }

    /** The clients' rates, each client's bucket kept from {@code before} while its rate is written the same. */
    private static Map<String, Quota> quotas(List<KeysFile.Client> clients, Map<String, Quota> before) {
        Map<String, Quota> quotas = new HashMap<>();
        for (KeysFile.Client client : clients) {
            if (client.rate() != null) {
                Quota kept = before.get(client.name());
                quotas.put(
                        client.name(),
                        kept != null && kept.toString().equals(client.rate()) ? kept : Quota.parse(client.rate()));
            }
        }
        return Map.copyOf(quotas);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
