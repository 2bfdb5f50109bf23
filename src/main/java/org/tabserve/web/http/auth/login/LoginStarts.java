package org.tabserve.web.http.auth.login;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tabserve.web.http.HttpProblem;

/**
 * The sign-ins each address starts, at most {@link LoginSettings#MAX_STARTS_PER_ADDRESS} in each window of
 * {@link LoginSettings#PENDING_FOR}, so that one client's flood of starts cannot fill the bound of sign-ins that come
 * back ({@link LoginSettings#MAX_PENDING}, counted at the callback) for everyone else: past it a start is a 429 that
 * says when to try again. An address is the request's remote address (the container's, which behind a proxy is the
 * client's only when the container is told to read it from the proxy's header); an IPv6 one counts by its /64, as one
 * host is given a /64 of its own. At most {@link #MAX_ADDRESSES} addresses are counted at once; past it the one counted
 * longest ago is let go (its count starts again), so that however many addresses start, the counts hold a few MiB.
 */
final class LoginStarts {

    /** The most addresses counted at once. */
    static final int MAX_ADDRESSES = 50_000;

    private final int perAddress;
    private final long windowNanos = LoginSettings.PENDING_FOR.toNanos();
    private final long origin = System.nanoTime();
    /** Each address's window and its starts in it, the address counted longest ago first. */
    private final Map<String, long[]> counts = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    LoginStarts(int perAddress) {
        this.perAddress = perAddress;
    }

    /** Counts a start from {@code address}; refuses it past the address's bound, with when to try again. */
    void take(String address) {
        long now = System.nanoTime() - origin;
        long window = now / windowNanos;
        String source = source(address);
        synchronized (counts) {
            long[] count = counts.get(source);
            if (count == null || count[0] != window) {
                counts.remove(source); // its count starts again, counted last
                counts.put(source, new long[] {window, 1});
                return;
            }
            if (count[1] < perAddress) {
                count[1]++;
                return;
            }
        }
        long seconds = Math.max(1, ((window + 1) * windowNanos - now) / 1_000_000_000L);
        throw new HttpProblem(
                429,
                "Too many requests",
                "this address has started " + perAddress + " sign-ins in " + LoginSettings.PENDING_FOR.toMinutes()
                        + " minutes (setting " + LoginSettings.MAX_STARTS_PER_ADDRESS + "): finish one already started,"
                        + " or try again in " + seconds + " s",
                List.of(),
                Map.of("Retry-After", Long.toString(seconds)));
    }

    /** @return what {@code address} counts as: itself, or for IPv6 its /64 */
    static String source(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        String literal =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = literal.indexOf('%');
        try {
            // in brackets, read as an IPv6 literal or refused, never looked up as a host name
            InetAddress parsed = InetAddress.getByName("[" + (zone < 0 ? literal : literal.substring(0, zone)) + "]");
            if (parsed instanceof Inet6Address six) {
                return HexFormat.of().formatHex(six.getAddress(), 0, 8) + "::/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
