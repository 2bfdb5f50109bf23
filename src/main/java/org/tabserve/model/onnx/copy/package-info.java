/**
 * The model file's bytes as ONNX Runtime reads them: {@link org.tabserve.model.onnx.copy.PrivateCopy} copies the file
 * into a private one, refusing a file that changes while it is read, and
 * {@link org.tabserve.model.onnx.copy.GraphOutputs} appends graph outputs to such a copy for a second session. No ONNX
 * Runtime: {@code model.onnx} opens its sessions on these bytes.
 */
package org.tabserve.model.onnx.copy;
