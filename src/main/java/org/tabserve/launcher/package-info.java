/**
 * Starts the WAR on embedded Jetty for {@code java -jar tabserve.war}: a bootstrap at the WAR's root builds a class
 * loader from {@code WEB-INF/lib-jetty/} (or finds those jars on the JVM's own class path, in the WAR exploded beside
 * it by {@code mvn package}) and hands over to {@link org.tabserve.launcher.EmbeddedServer}. It knows
 * nothing of the web app's classes; it deploys the WAR as any container would.
 */
package org.tabserve.launcher;
