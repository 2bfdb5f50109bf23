package org.tabserve.launcher;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;

/**
 * One value the web app publishes on its servlet context for the launcher (readiness's answer, its security headers),
 * read from the server's web app once the app has published it, and kept: the launcher sits outside the app's class
 * loader, so it reads what the app says rather than copy it.
 *
 * @param <T> the value's type
 */
final class AppAttribute<T> {

    private final Server server;
    private final String name;
    private final Class<T> type;
    private volatile T value;

    AppAttribute(Server server, String name, Class<T> type) {
        this.server = server;
        this.name = name;
        this.type = type;
    }

    /** @return the value, or null before the app has published one of its type */
    T get() {
        T found = value;
        if (found == null) {
            WebAppContext webapp = server.getDescendant(WebAppContext.class);
            Object published =
                    webapp == null ? null : webapp.getServletContext().getAttribute(name);
            if (type.isInstance(published)) {
                found = type.cast(published);
                value = found;
            }
        }
        return found;
    }
}
