package org.tabserve.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** tabserve's own version, as the build wrote it into {@code version.properties} beside this class. */
final class ServerVersion {

    private ServerVersion() {}

    /** @return the version, or {@code unknown} when the build wrote none (a run from the sources) */
    static String read() {
        try (InputStream in = ServerVersion.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
