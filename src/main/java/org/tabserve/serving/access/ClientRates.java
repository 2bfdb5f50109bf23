package org.tabserve.serving.access;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The request rates of clients named by a setting rather than a keys file's line ({@code --client-rates
 * NAME=20/s,NAME2=5/m}, the setting {@link #CLIENT_RATES}): an OIDC token's client (named {@code oidc:AZP}), or a
 * key's client whose line gives no rate (named as its line). Each is a {@link Quota} of its own (one rate, or several
 * joined by {@code +}: {@code NAME=20/s+50000/d}), kept for the server's
 * life, so that one client at its limit slows no other; a client the setting does not name is not limited by it.
 * Bounded: at most {@link #MAX_CLIENTS} clients, each a name as the keys file spells one.
 */
public final class ClientRates {

    /** The setting: {@code NAME=RATE} pairs, comma-separated. */
    public static final String CLIENT_RATES = "tabserve.client-rates";
    /** The most clients the setting may name. */
    static final int MAX_CLIENTS = 10_000;
    /** No client named. */
    public static final ClientRates NONE = new ClientRates(Map.of());

    /** A client's name: the keys file's and OIDC's characters, at most 128. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

    private final Map<String, Quota> quotas;
    private final Set<String> order;

    private ClientRates(Map<String, Quota> quotas) {
        this.quotas = Map.copyOf(quotas);
        this.order = new LinkedHashSet<>(quotas.keySet());
    }

    /**
     * Reads the setting, if given.
     *
     * @param lookup a setting's value by its name, in the web app's order
     * @throws IllegalArgumentException in words naming the setting and the pair, for one that is not
     *                                  {@code NAME=RATE}, a name twice, or too many names
     */
    public static ClientRates resolve(Function<String, Optional<String>> lookup) {
        return lookup.apply(CLIENT_RATES)
                .map(String::strip)
                .filter(text -> !text.isEmpty())
                .map(ClientRates::parse)
                .orElse(NONE);
    }

    /** @see #resolve */
    static ClientRates parse(String text) {
        Map<String, Quota> quotas = new LinkedHashMap<>();
        for (String pair : text.split(",", -1)) {
            String each = pair.strip();
            int equals = each.indexOf('=');
            String name = equals < 0 ? each : each.substring(0, equals).strip();
            if (equals < 0 || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("setting " + CLIENT_RATES + ": "
                        + (each.isEmpty() ? "an empty pair" : "'" + shown(each) + "'")
                        + " is not NAME=RATE, NAME a client's name (letters, digits, ._@:-) and RATE such as 20/s,"
                        + " 100/m, 1000/h or 50000/d, or several joined by + (20/s+50000/d); pairs are separated by"
                        + " commas");
            }
            Quota quota;
            try {
                quota = Quota.parse(each.substring(equals + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "setting " + CLIENT_RATES + ", client '" + name + "': " + e.getMessage(), e);
            }
            if (quotas.put(name, quota) != null) {
                throw new IllegalArgumentException(
                        "setting " + CLIENT_RATES + " names the client '" + name + "' twice; give it one rate");
            }
            if (quotas.size() > MAX_CLIENTS) {
                throw new IllegalArgumentException(
                        "setting " + CLIENT_RATES + " names more than " + MAX_CLIENTS + " clients");
            }
        }
        return new ClientRates(quotas);
    }

    /** A pair as a refusal quotes it: at most 64 characters of it. */
    private static String shown(String pair) {
        return pair.length() <= 64 ? pair : pair.substring(0, 64) + "...";
    }

    /**
     * @return {@code caller}, with the rate the setting gives its name when its credential gave it none (an OIDC
     *         client, or a key's client whose line has no rate); else {@code caller} as it is
     */
    public Caller rated(Caller caller) {
        if (caller.quota() != null || !caller.known()) {
            return caller;
        }
        Quota quota = quotas.get(caller.name());
        return quota == null ? caller : new Caller(caller.name(), caller.grants(), true, quota, caller.kind());
    }

    /** @return the names of the clients the setting names, in its order */
    public Set<String> names() {
        return Collections.unmodifiableSet(order);
    }

    /** @return how many clients the setting names */
    public int size() {
        return quotas.size();
    }
}
