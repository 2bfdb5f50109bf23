package org.tabserve.serving.access;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a rated client's request takes its token: its own bucket on this replica ({@link Quota}), or, with the
 * fleet's shared store, its bucket there ({@link SharedBuckets}), which every replica takes from, so that a client of
 * {@code 100/m} gets 100 requests a minute from the fleet and not 100 from each replica. A store that does not answer
 * within its deadline never refuses a request: the replica takes the client's own bucket instead for that request
 * (each such request counted, the store's outage said once in the log by the store), and the fleet's again as soon as
 * the store answers.
 */
public final class ClientBuckets {

    /** Each replica's own buckets: no shared store. */
    public static final ClientBuckets LOCAL = new ClientBuckets(null);

    private final SharedBuckets fleet;
    private final LongAdder local = new LongAdder();

    private ClientBuckets(SharedBuckets fleet) {
        this.fleet = fleet;
    }

    /**
     * @param fleet    the fleet's buckets in the shared store
     * @param registry where the requests whose token was taken on this replica for the store's sake are counted
     * @return buckets taken from the fleet's store while it answers, from each client's own on this replica when not
     */
    public static ClientBuckets fleet(SharedBuckets fleet, PrometheusRegistry registry) {
        ClientBuckets buckets = new ClientBuckets(fleet);
        CounterWithCallback.builder()
                .name("tabserve_client_rate_local_takes")
                .help("Requests of clients with a rate whose token was taken from this replica's own bucket because"
                        + " the shared store (--shared-state) did not answer within tabserve.redis-deadline; no"
                        + " request is refused for the store's sake")
                .callback(callback -> callback.call(buckets.local.sum()))
                .register(registry);
        return buckets;
    }

    /**
     * Takes one token for {@code caller}'s request ({@link #admit}, its wait alone).
     *
     * @param caller a caller with a rate ({@link Caller#quota()} not null)
     * @return 0 when the request may go (its token is taken), else how many nanoseconds until one may
     */
    public long take(Caller caller) {
        return admit(caller).nanos();
    }

    /**
     * Takes one token for {@code caller}'s request from each of its buckets, when every one has one.
     *
     * @param caller a caller with a rate ({@link Caller#quota()} not null)
     * @return {@link Quota.Wait#TAKEN}, else which of its rates refused and how many nanoseconds until every bucket
     *         has a token
     */
    public Quota.Wait admit(Caller caller) {
        Quota quota = caller.quota();
        if (fleet != null) {
            Quota.Wait wait = fleet.take(caller.name(), quota);
            if (wait != SharedBuckets.UNANSWERED) {
                return wait;
            }
            local.increment();
        }
        return quota.admit(System.nanoTime());
    }

    /** @return the requests whose token was taken on this replica because the shared store did not answer */
    public long takenLocally() {
        return local.sum();
    }

    /** @return where the rates are kept, as the log says it: the shared store, or each replica */
    public String describe() {
        return fleet == null ? "each replica" : fleet.describe();
    }
}
