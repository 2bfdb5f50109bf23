package org.tabserve.serving.shared;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the shared store is, read from its {@code redis://[user:password@]host:port[/database]} URL ({@code rediss://}
 * for TLS): {@link #toString()} names it without its user and password, so that logs, answers and pages never show
 * them, and a URL refused is refused without them too.
 *
 * @param host     the Redis server's host
 * @param port     its port (6379 when the URL names none)
 * @param user     the ACL user, or null
 * @param password the password, or null
 * @param database the database number (0 when the URL names none)
 * @param tls      whether to speak TLS ({@code rediss://})
 */
record RedisAddress(String host, int port, String user, String password, int database, boolean tls) {

    /** @throws IllegalArgumentException for what is not such a URL, saying why without its credentials */
    static RedisAddress parse(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the shared state must be a URL redis://host:port (with"
                    + " user:password@ and /database if needed); what was given is not a URL (not shown: it may hold a"
                    + " password)");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("the shared state must be a URL redis://host:port (or rediss:// for"
                    + " TLS); what was given has "
                    + (scheme == null ? "no scheme" : "the scheme '" + scheme.replaceAll("[^A-Za-z0-9+.-]", "?") + "'")
                    + (uri.getHost() == null ? " and no host" : "")
                    + " (not shown: it may hold a password)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = colon < 0 ? null : decode(info.substring(0, colon));
            password = decode(colon < 0 ? info : info.substring(colon + 1));
            user = user == null || user.isEmpty() ? null : user;
        }
        int database = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0 || database > 15 || uri.getQuery() != null) {
                throw new IllegalArgumentException("the shared state's URL redis://host:port/database may end with a"
                        + " database number from 0 to 15, and nothing after it");
            }
        }
        return new RedisAddress(
                uri.getHost(),
                uri.getPort() < 0 ? 6379 : uri.getPort(),
                user,
                password,
                database,
                "rediss".equals(scheme));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** @return the URL without user and password */
    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + (database == 0 ? "" : "/" + database);
    }
}
