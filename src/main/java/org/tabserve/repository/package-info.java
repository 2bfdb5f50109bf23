/**
 * The lifecycle of many models: finds them in a directory (Triton's {@code <name>/<version>/model.onnx} layout or
 * plain {@code <name>.onnx} files), loads, reloads and unloads them while requests run, and lends each request the
 * model it asked for until it is done; it knows nothing of HTTP or servlets.
 */
package org.tabserve.repository;
