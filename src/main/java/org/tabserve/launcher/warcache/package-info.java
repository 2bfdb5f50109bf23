/**
 * The WAR unpacked once per user and per WAR content into the user's cache ({@link
 * org.tabserve.launcher.warcache.WarCache}), with ONNX Runtime's native libraries taken out beside it: bootstrap code
 * at the WAR's root beside the launcher's {@code Main}, on the JDK and the class path's owner check alone.
 *
 * <p>The WAR unpacked once per user and per WAR content ({@code WarCache}; {@code WarCacheRoots}, {@code WarCacheKey},
 * {@code WarCacheNatives}, {@code WarCacheCleaner}): bootstrap code at the WAR's root beside {@code Main}, on the JDK
 * and {@code launcher.classpath} alone; it never names {@code launcher}.
 */
package org.tabserve.launcher.warcache;
