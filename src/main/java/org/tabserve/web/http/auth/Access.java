package org.tabserve.web.http.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tabserve.serving.access.ApiKeys;
import org.tabserve.serving.access.Caller;
import org.tabserve.serving.access.ClientBuckets;
import org.tabserve.serving.access.ClientRates;
import org.tabserve.serving.access.Quota;
import org.tabserve.serving.access.Scope;
import org.tabserve.serving.access.oidc.OidcTokens;
import org.tabserve.serving.budget.ServingException;
import org.tabserve.serving.monitor.TabserveMetrics;
import org.tabserve.web.http.Gate;
import org.tabserve.web.http.HttpProblem;
import org.tabserve.web.http.RateLimitedLog;

/**
 * The one check of what a caller may do (its credentials made a {@link Caller} by {@link Credentials}), for every
 * route and protocol: REST and the form's posts and uploads through the route table's {@link Gate}, the Open Inference
 * Protocol's gRPC calls through their service, each with the {@code Authorization} header (gRPC: the
 * {@code authorization} metadata) its transport read.
 *
 * <p>With no API keys file ({@link #API_KEYS}) the server asks no credential to predict, explain, read or scrape, as
 * it always has; labels need the feedback token ({@link FeedbackToken}) and the admin routes the admin token
 * ({@link AdminToken}), each refused in its own words, as before. With a keys file every route but health needs a
 * credential: a key of the file (its client's scopes), the admin token (the scopes {@code admin} and
 * {@code label:any}) or the feedback token ({@code label:any}); no credential is 401, one that is none of these is 401
 * too, and one without the scope the request needs is 403 naming it; a client of the file past its rate is 429
 * ({@link Quota}). A TLS client certificate ({@link ClientCertificate}) names the client of the file's line of its CN
 * whose key is {@code -}.
 * Refusals are logged at most once a minute of each kind, never with the credential; admin actions, refused
 * credentials and reads of the keys file go to the {@link AuditLog} as well.
 */
public final class Access implements Gate {

    /** The API keys file: one client a line ({@code NAME SCOPES SHA256HEX [RATE]}); unset, no keys are asked. */
    public static final String API_KEYS = "tabserve.api-keys";

    private static final Logger LOG = Logger.getLogger(Access.class.getName());

    /**
     * The request attribute of a person signed in ({@code web.http.auth.login}): the {@link Caller} its session names,
     * which a request that sends no bearer credential is taken as. Only the server sets it (a client cannot).
     */
    public static final String SIGNED_IN = "org.tabserve.signed-in";

    /** The caller the audit log names for the repository's load and unload let through on the loopback interface. */
    static final String LOOPBACK_CLIENT = "loopback";

    private final Credentials credentials;
    /** The rates of clients by name ({@code --client-rates}), for those whose credential gives none. */
    private final ClientRates rates;
    /** Where each rate's token is taken: each client's own bucket, or the fleet's in the shared store. */
    private final ClientBuckets buckets;

    private final AdminToken admin;
    private final FeedbackToken feedback;
    private final Exposure exposure;
    private final TabserveMetrics metrics;
    private final AuditLog audit;
    private final RateLimitedLog noCredential = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog unknownCredential = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog noScope = new RateLimitedLog(LOG, Level.WARNING);
    private final RateLimitedLog overRate = new RateLimitedLog(LOG, Level.WARNING);

    /**
     * @param keys     the API keys, if a file is given: then every route but health needs a credential
     * @param tokens   the OIDC issuer's tokens, if one is given ({@link #tokens}): then too
     * @param exposure whether the server is reachable beyond its own machine, told when it asks no credential
     * @param metrics  where a request refused for its client's rate is counted, by client
     * @param audit    where admin actions, refused credentials and reads of the keys file are written
     * @param rates    the rates of clients by name ({@code --client-rates}): an OIDC or certificate client's, or a
     *                 key's client whose line gives none, taken by the same buckets and counted in the same series as
     *                 a keys file's rates ({@link ClientRates#NONE}: none)
     * @param buckets  where every rate's token is taken from (the fleet's, with the shared store;
     *                 {@link ClientBuckets#LOCAL}: this replica's)
     */
    public Access(
            Optional<ApiKeys> keys,
            Optional<OidcTokens> tokens,
            AdminToken admin,
            FeedbackToken feedback,
            Exposure exposure,
            TabserveMetrics metrics,
            AuditLog audit,
            ClientRates rates,
            ClientBuckets buckets) {
        this.rates = rates;
        this.buckets = buckets;
        this.credentials = new Credentials(keys, tokens, feedback);
        if (credentials.locked()) {
            rates.names().forEach(name -> checkRateName(name, keys.isPresent(), tokens.isPresent()));
        }
        this.metrics = metrics;
        this.audit = audit;
        keys.ifPresent(k -> {
            audit.keysRead(k.file(), k.size());
            k.tell(new ApiKeys.Reads() {
                @Override
                public void read(Path file, int clients) {
                    audit.keysRead(file, clients);
                }

                @Override
                public void refused(String why) {
                    audit.keysRefused(why);
                }
            });
        });
        this.admin = admin;
        this.feedback = feedback;
        this.exposure = exposure;
        if (locked() && !feedback.required()) {
            throw new IllegalArgumentException("settings " + FeedbackToken.OPEN_FEEDBACK + " and "
                    + (keys.isPresent() ? API_KEYS : OidcTokens.ISSUER) + " are both given: with API keys or"
                    + " tokens every route needs a credential; give the clients who send labels the scope label"
                    + " instead");
        }
        exposure.open(!locked());
    }

    /**
     * Refuses a name of {@code --client-rates} that no client of this server can have: each kind of client has names of
     * its own (a keys file's client its line's, which has no colon; an OIDC token's {@code oidc:AZP}; a certificate's
     * without a line {@code cert:CN}), so that a rate given one kind never reaches another.
     */
    private static void checkRateName(String name, boolean keys, boolean tokens) {
        String why = null;
        if (name.startsWith(OidcTokens.CLIENT_PREFIX)) {
            why = tokens ? null : "an OIDC token's client, but no OIDC issuer is given (" + OidcTokens.ISSUER + ")";
        } else if (name.startsWith(ClientCertificate.CLIENT_PREFIX)) {
            why = "a client certificate's without a line in the keys file, which may do nothing; give the keys file's"
                    + " line of its CN a rate instead (NAME SCOPES - RATE)";
        } else if (name.contains(":")) {
            why = "which no client can be: a keys file's client is named as its line (no colon), an OIDC token's"
                    + " client oidc:AZP";
        } else if (!keys) {
            why = "a keys file's client, but no API keys file is given (" + API_KEYS + "); an OIDC token's client is"
                    + " named oidc:AZP, here oidc:" + name;
        }
        if (why != null) {
            throw new IllegalArgumentException(
                    "setting " + ClientRates.CLIENT_RATES + " names the client '" + name + "', " + why);
        }
    }

    /** @return whether every route but health needs a credential (an API keys file or an OIDC issuer is given) */
    public boolean locked() {
        return credentials.locked();
    }

    /** @return the OIDC issuer whose tokens are taken, if one is given (the OpenAPI document names its discovery) */
    public Optional<String> issuer() {
        return credentials.issuer();
    }

    /** Stops asking the OIDC issuer for its keys, if it was being asked. */
    public void close() {
        credentials.close();
    }

    /** @return what {@code /api/models} says of a server open to the network with no credential asked, if it is */
    public Optional<String> notice() {
        return exposure.notice();
    }

    /** The route table's check of a REST request ({@link Gate}). */
    @Override
    public Caller admit(HttpServletRequest request, Scope scope, String model) {
        exposure.seen(request.getLocalAddr());
        // No credential is asked: nothing of the request is read for a caller (its words would be thrown away).
        return asksNothing(scope)
                ? Caller.OPEN
                : admit(AdminToken.callerOf(request), scope, model, true, signedIn(request));
    }

    /** @return the person a request's session names ({@link #SIGNED_IN}), or null */
    private static Caller signedIn(HttpServletRequest request) {
        return request.getAttribute(SIGNED_IN) instanceof Caller person ? person : null;
    }

    /**
     * The caller a request names: its bearer credential if it sends one, else the person its session names, else its
     * client certificate ({@link Credentials#callerOf}).
     */
    private Caller callerOf(AdminToken.Caller asker, Caller signedIn) {
        return signedIn != null && !AdminToken.isBearer(asker.authorization()) ? signedIn : credentials.callerOf(asker);
    }

    /** @return whether {@code scope} is open to anyone here: no keys file or issuer, and no token of its own */
    private boolean asksNothing(Scope scope) {
        return !locked() && scope != Scope.ADMIN && scope != Scope.LABEL;
    }

    /**
     * Lets {@code asker} through when it may use {@code scope} on {@code model}, on any transport.
     *
     * @param model the model's name, or null for a request about no one model
     * @return the caller
     * @throws RuntimeException the refusal, in words: 401 or 403 (gRPC: UNAUTHENTICATED, PERMISSION_DENIED); with no
     *                          keys file, the admin and feedback tokens' own refusals
     */
    public Caller admit(AdminToken.Caller asker, Scope scope, String model) {
        return admit(asker, scope, model, true, null);
    }

    /**
     * @param counted  whether the request takes a token of its client's rate (a guard's first look takes none)
     * @param signedIn the person the request's session names, or null
     */
    private Caller admit(AdminToken.Caller asker, Scope scope, String model, boolean counted, Caller signedIn) {
        if (!locked()) {
            if (asksNothing(scope)) {
                return Caller.OPEN;
            }
            try { // the tokens' own checks and words, as before API keys
                if (scope == Scope.ADMIN) {
                    admin.authorize(asker);
                } else {
                    feedback.authorize(asker);
                }
            } catch (HttpProblem refused) {
                if (refused.status() == 401 || refused.status() == 403) {
                    audit.refused(
                            asker,
                            refused.status(),
                            null,
                            scope.word() + ": " + refused.detail(),
                            scope == Scope.ADMIN);
                }
                throw refused;
            }
            Caller caller = credentials.caller(asker.authorization());
            if (scope == Scope.ADMIN && counted) {
                audit.admin(caller, asker);
            }
            return caller;
        }
        Caller caller;
        try {
            Caller named = callerOf(asker, signedIn);
            caller = rates.rated(named); // the rate by name
        } catch (ServingException e) {
            unknownCredential.log(
                    () -> "Refused " + asker.call() + " from " + asker.remoteAddress() + ": " + e.getMessage());
            audit.refused(asker, 401, null, e.getMessage(), scope == Scope.ADMIN);
            throw e;
        }
        try {
            caller.require(scope, model, credentials.send());
        } catch (ServingException e) {
            String needed = scope.word() + (model == null ? "" : ":" + model);
            if (caller.known()) {
                noScope.log(() -> "Refused " + asker.call() + " from " + asker.remoteAddress() + ": the client '"
                        + caller.name() + "' has no scope " + needed);
                audit.refused(asker, 403, caller, "no scope " + needed, scope == Scope.ADMIN);
            } else {
                noCredential.log(
                        () -> "Refused " + asker.call() + " from " + asker.remoteAddress() + ": no credential");
                audit.refused(asker, 401, null, "no credential for " + needed, scope == Scope.ADMIN);
            }
            throw e;
        }
        if (scope == Scope.ADMIN && counted) {
            audit.admin(caller, asker);
        }
        if (counted && caller.quota() != null) {
            Quota.Wait wait = buckets.admit(caller);
            if (wait.nanos() > 0) {
                metrics.clientLimited(caller.name());
                overRate.log(() -> "Refused " + asker.call() + " from " + asker.remoteAddress() + ": the client '"
                        + caller.name() + "' is past its rate of " + RateRefusal.refusing(caller.quota(), wait));
                throw RateRefusal.tooMany(caller, wait);
            }
        }
        return caller;
    }

    /**
     * The repository's load and unload ({@code /v2/repository/models/{name}/load}, gRPC's RepositoryModelLoad): as
     * {@link #admit} with {@code admin}, except that callers on the loopback interface may send no credential when
     * {@code tabserve.admin-loopback} says so (KServe's model agent sends none).
     */
    public void admitRepositoryChange(AdminToken.Caller asker, String model) {
        if (admin.letsThroughWithoutToken(asker)) {
            audit.admin(LOOPBACK_CLIENT, Caller.Kind.NONE.word(), asker);
        } else {
            admit(asker, Scope.ADMIN, model);
        }
    }

    /**
     * Whether a request that may read a model's rollout is shown what only an administrator sees (the disagreements'
     * rows): a caller with the scope {@code admin} on it; with no keys file, one that sends the admin token (a wrong
     * one is refused rather than shown less).
     */
    public boolean showsAdmin(HttpServletRequest request, String model) {
        String authorization = request.getHeader("Authorization");
        if (!locked()) {
            if (admin.on() && authorization != null) {
                admin.authorize(request);
                return true;
            }
            return false;
        }
        return callerOf(AdminToken.callerOf(request), signedIn(request)).may(Scope.ADMIN, model);
    }

    /**
     * Lets {@code caller} label the answers of another client than itself on {@code model} (a label's {@code client}
     * field): the scope {@code label:any}, a labelling service's. Refused as a missing scope is anywhere (403 naming
     * it; 401 for a caller without a credential), in the log at most once a minute and in the audit log.
     */
    public void admitLabelsOfOthers(HttpServletRequest request, Caller caller, String model) {
        try {
            caller.require(Scope.LABEL_ANY, model, credentials.send());
        } catch (ServingException e) {
            AdminToken.Caller asker = AdminToken.callerOf(request);
            String needed = Scope.LABEL_ANY.word() + ":" + model;
            noScope.log(() -> "Refused " + asker.call() + " from " + asker.remoteAddress() + ": the client '"
                    + caller.name() + "' has no scope " + needed + " to label another client's answers");
            audit.refused(
                    asker, caller.known() ? 403 : 401, caller.known() ? caller : null, "no scope " + needed, false);
            throw e;
        }
    }

    /** The guard of the admin routes, before their method is checked: 404 while they are off, else {@link #admit}. */
    public void guardAdmin(HttpServletRequest request) {
        exposure.seen(request.getLocalAddr());
        admit(
                AdminToken.callerOf(request),
                Scope.ADMIN,
                null,
                false,
                signedIn(request)); // the route's own check counts
    }
}
