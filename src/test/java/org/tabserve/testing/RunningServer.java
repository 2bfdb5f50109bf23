package org.tabserve.testing;

import java.net.URI;
import java.util.List;

/**
 * A tabserve that tests talk to over HTTP, whether it runs in this JVM ({@code launcher.TabserveServer}) or as the
 * packaged WAR in its own process ({@link TabserveProcess}): the same checks run against either.
 */
public interface RunningServer extends AutoCloseable {

    /** @return the base URI, e.g. {@code http://127.0.0.1:41234/} */
    URI uri();

    /** @return a URI on this server */
    default URI uri(String pathAndQuery) {
        return uri().resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
    }

    /** @return what the ready line said about the model */
    String model();

    /** @return every line the server printed so far: its log and its access log */
    List<String> output();

    @Override
    void close() throws InterruptedException;
}
