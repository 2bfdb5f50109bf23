/**
 * The lifecycle of many models: finds them in a directory (Triton's {@code <name>/<version>/model.onnx} layout or
 * plain {@code <name>.onnx} files), loads, reloads and unloads them while requests run, and lends each request the
 * model it asked for until it is done; it knows nothing of HTTP or servlets.
 *
 * <p>The lifecycle of many models ({@code --models}): {@code ModelRepository} (starting, loading, unloading,
 * installing, serving, under one lock), {@code ModelIndex} (every version by name and version, and the {@code Lease}
 * each request holds until it is done), {@code DirectoryWatcher} (scanning and polling), {@code LoaderPool} (the loader
 * threads), {@code ModelInstaller} (installs), which stand below the repository and see it as a {@code RepositoryState}
 * (its settings, versions and room, lock and poll), {@code ModelFiles} (the three directory layouts),
 * {@code ModelAhead} (the one model's load, which {@code java -jar}'s launcher starts while Jetty configures the web
 * app, and which the app takes when it is for the file it serves). No HTTP.
 */
package org.tabserve.repository;
