/**
 * The command-line tools of {@code java -jar tabserve.war}: {@code card} (gives any ONNX model the full card from a
 * labelled CSV) and {@code score} (a CSV scored to a CSV with no server). The launcher's bootstrap dispatches here in a
 * class loader of the WAR's own classes and libraries; the commands read CSV with the web layer's parser and write
 * cards with {@link org.tabserve.cardmaking}, so a file means the same to them as to the server.
 *
 * <p>The {@code card} and {@code score} commands; uses {@code rows}, {@code model}, {@code card} (and
 * {@code repository} if needed), never {@code web}.
 */
package org.tabserve.cli;
