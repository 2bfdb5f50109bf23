/**
 * Whether the jars that the WAR's manifest names beside it may stay on the JVM's class path
 * ({@link org.tabserve.launcher.classpath.ClassPathBeside}: theirs and their folders' owner and mode): bootstrap code
 * at the WAR's root beside the launcher's {@code Main}, on the JDK alone.
 */
package org.tabserve.launcher.classpath;
