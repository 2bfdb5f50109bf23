package org.tabserve.serving.access;

import java.util.List;
import org.tabserve.serving.budget.ServingException;

/**
 * Who is calling: a client's name and what it may do ({@link Grant}s), as its credential says; every route and
 * protocol asks the same question of it ({@link #require}), and is refused in the same words.
 *
 * @param name   the client's name (the keys file's first column); empty for a caller that sent no credential
 * @param grants what it may do
 * @param known  whether a credential named it; a refusal of an unknown caller asks for one (401), of a known one
 *               names the scope it lacks (403)
 * @param quota  its request rate, kept across its requests; null for a caller without one
 * @param kind   what named it (its credential's kind), which the records carry beside its name
 */
public record Caller(String name, List<Grant> grants, boolean known, Quota quota, Kind kind) {

    /**
     * What named the caller, as the records say it ({@link #word}): the prediction log's {@code client_kind}, the
     * audit log's {@code kind}, the traces' {@code tabserve.client.kind}.
     */
    public enum Kind {
        /** No credential named it. */
        NONE("none"),
        /** A client of the API keys file, named by its key. */
        KEY("key"),
        /** An OIDC bearer token's client ({@code oidc:AZP}). */
        TOKEN("token"),
        /** A TLS client certificate: a keys file's line of its CN with no key, or {@code cert:CN}. */
        CERTIFICATE("certificate"),
        /** A person signed in to the pages ({@code user:NAME}), by their session. */
        PERSON("person"),
        /** The admin token. */
        ADMIN_TOKEN("admin_token"),
        /** The feedback token. */
        FEEDBACK_TOKEN("feedback_token");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** @return the kind as the records spell it */
        public String word() {
            return word;
        }

        /** @return the kind a name of this spelling has, when its credential did not say: by its prefix */
        static Kind of(String name) {
            if (name.isEmpty()) {
                return NONE;
            } else if (name.startsWith("user:")) {
                return PERSON;
            } else if (name.startsWith("oidc:")) {
                return TOKEN;
            } else if (name.startsWith("cert:")) {
                return CERTIFICATE;
            }
            return KEY;
        }
    }

    /** A caller with no credential, of a server that asks for none: it may predict, explain, read and scrape. */
    public static final Caller OPEN = new Caller(
            "",
            List.of(
                    new Grant(Scope.PREDICT, Grant.ALL),
                    new Grant(Scope.EXPLAIN, Grant.ALL),
                    new Grant(Scope.READ, Grant.ALL),
                    new Grant(Scope.METRICS, Grant.ALL)),
            false,
            null);

    /** A caller with no credential, of a server that asks for one: it may do nothing. */
    public static final Caller NOBODY = new Caller("", List.of(), false, null);

    public Caller {
        grants = List.copyOf(grants);
        kind = kind == null ? Kind.of(name) : kind;
    }

    /** A caller whose kind its name's spelling gives ({@code user:}, {@code oidc:}, {@code cert:}, else a key's). */
    public Caller(String name, List<Grant> grants, boolean known, Quota quota) {
        this(name, grants, known, quota, null);
    }

    /** A client its credential names, without a rate. */
    public static Caller of(String name, List<Grant> grants) {
        return new Caller(name, grants, true, null);
    }

    /** A client its credential names, of the kind it says, without a rate. */
    public static Caller of(String name, List<Grant> grants, Kind kind) {
        return new Caller(name, grants, true, null, kind);
    }

    /** @return this caller, of {@code kind} (a caller rebuilt by name, with its rate, keeps its credential's kind) */
    public Caller ofKind(Kind kind) {
        return kind == this.kind ? this : new Caller(name, grants, known, quota, kind);
    }

    /** @return whether it may use {@code scope} on {@code model} (null: on some model) */
    public boolean may(Scope scope, String model) {
        for (Grant grant : grants) {
            if (grant.allows(scope, model)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether it may use {@code scope} on every model, so that a list needs no filtering for it */
    public boolean mayAll(Scope scope) {
        return grants.contains(new Grant(scope, Grant.ALL));
    }

    /**
     * {@link #require(Scope, String, String)} where the server's credentials are not at hand (a check inside an
     * answer, whose caller the route's own check already let in).
     */
    public void require(Scope scope, String model) {
        require(scope, model, "send Authorization: Bearer and a credential of the server's");
    }

    /**
     * Lets the caller through when it may use {@code scope} on {@code model}.
     *
     * @param model the model's name; null for a route about no one model (it needs the scope on some model)
     * @param send  what a caller without a credential is told to send: the credentials the server takes
     * @throws ServingException {@link ServingException.Kind#UNAUTHENTICATED} when no credential named the caller,
     *                          {@link ServingException.Kind#FORBIDDEN} naming the scope it lacks when one did
     */
    public void require(Scope scope, String model, String send) {
        if (may(scope, model)) {
            return;
        }
        String needed = model == null
                ? "the scope " + scope.word() + " (on any model)"
                : "the scope " + scope.word() + ":" + model + " (or " + scope.word() + ", on every model)";
        if (!known) {
            throw ServingException.unauthenticated("this needs a credential with " + needed + ": " + send);
        }
        throw ServingException.forbidden("the client '" + name + "' may not do this: it needs " + needed
                + ", which its credential does not give");
    }
}
