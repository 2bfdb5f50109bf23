/**
 * Starts the WAR on embedded Jetty for {@code java -jar tabserve.war}: a bootstrap at the WAR's root builds a class
 * loader from {@code WEB-INF/lib-jetty/} (or finds those jars on the JVM's own class path, in the WAR exploded beside
 * it by {@code mvn package}) and hands over to {@link org.tabserve.launcher.EmbeddedServer}. It knows
 * nothing of the web app's classes; it deploys the WAR as any container would.
 *
 * <p>Only starts embedded Jetty, the one place importing Jetty: a bootstrap {@code Main} at the WAR's root has
 * {@code WarCache} ({@code launcher.warcache}) unpack the WAR once into the user's cache ({@code WarCacheRoots} picks
 * and checks the directory, {@code WarCacheKey} names a WAR's version by its central directory, {@code WarCacheNatives}
 * takes ONNX Runtime's libraries out, {@code WarCacheCleaner} removes old versions; all five sit at the root, and
 * {@code ClassPathBeside} of {@code launcher.classpath} with them), loads {@code WEB-INF/lib-jetty/} (Jetty, the
 * servlet API and the launcher, which containers never read; from the JVM's own class path when {@code JettyClassPath},
 * at the root too, finds the manifest's {@code Class-Path} names exact copies of them in the WAR exploded beside it, as
 * {@code mvn package} leaves it, and the web app's classes and libraries from there too, parent first, when it names
 * exact copies of those, {@code target/tabserve-classes.jar} among them) and runs {@code EmbeddedServer} on the
 * unpacked directory ({@code PortsFirst} opens its ports first, so that a port in use is told with the flag that
 * chooses another) (with one model, {@code ModelAheadConfiguration} has the app's {@code ModelAhead} load it on a
 * thread of its own, called by name, while Jetty configures the app, and hands it over through a context attribute),
 * which on SIGTERM drains first ({@code Drain}: readiness 503 through a context attribute, still serving, for
 * {@code --drain-seconds}).
 */
package org.tabserve.launcher;
