/**
 * The {@link org.tabserve.model.Model} interface everything outside {@code model/} uses, and the value types it speaks
 * in (signature, features, batches, predictions, the card, its exception); no runtime here, which is
 * {@code model.onnx}'s. It knows nothing of HTTP, servlets or training.
 */
package org.tabserve.model;
