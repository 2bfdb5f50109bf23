/**
 * The WAR unpacked once per user and per WAR content into the user's cache ({@link
 * org.tabserve.launcher.warcache.WarCache}), with ONNX Runtime's native libraries taken out beside it: bootstrap code
 * at the WAR's root beside the launcher's {@code Main}, on the JDK and the class path's owner check alone.
 */
package org.tabserve.launcher.warcache;
