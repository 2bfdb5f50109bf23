package org.tabserve.web.http.container;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The origins whose browser pages may call the JSON routes across origins (CORS), the setting {@link #CORS_ORIGINS}
 * ({@code --cors-origins}, {@code TABSERVE_CORS_ORIGINS}): exact origins as a browser sends them in {@code Origin}
 * ({@code https://app.example.com,http://localhost:3000}), or {@code *} alone for any. tabserve never allows
 * credentials (cookies, TLS client certificates) across origins, so {@code *} is what the CORS standard permits; a
 * page sends its API key or token as an {@code Authorization} header it sets itself, which needs no credentials.
 *
 * @param origins the origins allowed, each {@code scheme://host[:port]} in lower case without its scheme's default
 *                port, as browsers write them; empty when {@code any}
 * @param any     whether every origin is allowed ({@code *})
 */
public record CrossOrigins(Set<String> origins, boolean any) {

    /** The setting: a list of origins separated by commas, or {@code *}; unset, no CORS answers at all. */
    public static final String CORS_ORIGINS = "tabserve.cors-origins";

    /** How the setting is given, for the words of a refusal. */
    static final String GIVEN_AS = CORS_ORIGINS + " (--cors-origins, env TABSERVE_CORS_ORIGINS)";

    public CrossOrigins {
        origins = Set.copyOf(origins);
    }

    /**
     * @return the origins the setting names, or empty when it is not set (CORS off)
     * @throws IllegalArgumentException naming the setting, the entry and what to write instead, for an entry that is
     *     no origin a browser sends ({@code example.com}, {@code https://app.example.com/}, {@code null}, a wildcard
     *     beside others)
     */
    public static Optional<CrossOrigins> resolve(Function<String, Optional<String>> lookup) {
        Optional<String> setting = lookup.apply(CORS_ORIGINS);
        if (setting.isEmpty()) {
            return Optional.empty();
        }
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        for (String entry : setting.get().split(",", -1)) {
            String origin = entry.strip();
            if (origin.isEmpty()) {
                continue;
            }
            if (origin.equals("*")) {
                any = true;
            } else {
                origins.add(origin(origin));
            }
        }
        if (any && !origins.isEmpty()) {
            throw refused("'*' allows every origin and stands alone: give '*', or list the origins without it");
        }
        if (!any && origins.isEmpty()) {
            throw refused("names no origin; list them as https://app.example.com,http://localhost:3000");
        }
        return Optional.of(new CrossOrigins(origins, any));
    }

    /** @return whether a page of this origin (a request's {@code Origin} header, exactly as sent) may call */
    public boolean allows(String origin) {
        return any || origins.contains(origin);
    }

    /** @return {@code Access-Control-Allow-Origin}'s value for an origin {@link #allows} */
    String allowOrigin(String origin) {
        return any ? "*" : origin;
    }

    /** @return the origins as the start's log line says them */
    public String described() {
        return any ? "any origin (*)" : String.join(", ", origins);
    }

    /** One entry as a browser writes its origin, or refused in words saying what to write. */
    private static String origin(String entry) {
        String quoted = "'" + entry + "'";
        if (entry.equalsIgnoreCase("null")) {
            throw refused(quoted + " is the origin of sandboxed frames and local files, which any page can take on:"
                    + " it is never allowed; list the origins of the pages that call");
        }
        if (entry.contains("*")) {
            throw refused(quoted + " is not an origin: a wildcard stands alone ('*', every origin); list each origin"
                    + " in full, as https://app.example.com");
        }
        if (!entry.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw refused(quoted + " is not an origin as a browser sends it: write it in ASCII, a host of other"
                    + " letters in its xn-- (punycode) form");
        }
        if (!entry.contains("://")) {
            throw refused(quoted + " is not an origin: it names no scheme; write https://" + entry + " (or http://"
                    + entry + "), as the browser's Origin header does");
        }
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            throw refused(quoted + " is not an origin (" + e.getReason() + "); write scheme://host[:port]");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(quoted + " is not an origin a page calls from: only http:// and https:// pages make CORS"
                    + " requests");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused(quoted + " is not an origin: an origin carries no user name or password");
        }
        if (uri.getHost() == null) {
            throw refused(quoted + " is not an origin: it names no host (letters, digits, '-' and '.', or an IP"
                    + " address); write scheme://host[:port]");
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535) {
            throw refused(quoted + " is not an origin: its port must be from 1 to 65535");
        }
        if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) {
            port = -1; // a browser leaves its scheme's default port out of Origin
        }
        String origin = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port);
        if (!uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused(quoted + " is not an origin: an origin has no path, not even '/' (a browser's Origin header"
                    + " never carries one); write " + origin);
        }
        return origin;
    }

    private static IllegalArgumentException refused(String why) {
        return new IllegalArgumentException("setting " + GIVEN_AS + ": " + why);
    }
}
