package org.tabserve.web.http.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Whether a server that asks no credential can be reached from beyond its own machine, said once in the log and on
 * {@code /api/models} for as long as it runs: from the address the launcher listens on, when it says ({@code java
 * -jar}), else from the first request that arrives on an address that is not a loopback one (in a container).
 */
public final class Exposure {

    private static final Logger LOG = Logger.getLogger(Exposure.class.getName());

    /** What is said. */
    static final String NOTICE = "this server answers on a network address and asks no credential: anyone who"
            + " reaches it can predict, read its pages and scrape its metrics; start it with --api-keys FILE"
            + " (docs/security.md) or listen on 127.0.0.1 behind a gateway that checks its callers";

    private final Optional<String> host;
    private volatile boolean open;
    /** Whether the question is settled: told, or not to be told. */
    private volatile boolean settled;

    private volatile String notice;

    /** @param host the address the launcher listens on ({@code --host}), if it says; empty in a container */
    public Exposure(Optional<String> host) {
        this.host = host;
    }

    /** Says whether the server asks no credential, and tells at once when the launcher's address is a network one. */
    void open(boolean open) {
        this.open = open;
        if (!open) {
            settled = true;
        } else if (host.isPresent()) {
            settled = true;
            if (!loopback(host.get())) {
                tell();
            }
        }
    }

    /** A request arrived on {@code localAddress} (an IP literal, as the container reports it). */
    void seen(String localAddress) {
        if (settled || localAddress == null) {
            return;
        }
        if (!AdminToken.isLoopback(localAddress)) {
            synchronized (this) {
                if (!settled) {
                    settled = true;
                    tell();
                }
            }
        }
    }

    private void tell() {
        notice = NOTICE;
        LOG.warning("Open to the network: " + NOTICE);
    }

    /** @return the notice, once it applies */
    Optional<String> notice() {
        return Optional.ofNullable(open ? notice : null);
    }

    /** Whether the launcher's {@code --host} is a loopback one ({@code 127.0.0.1}, {@code localhost}, {@code ::1}). */
    static boolean loopback(String host) {
        if (host.isBlank()) {
            return false; // every interface
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
