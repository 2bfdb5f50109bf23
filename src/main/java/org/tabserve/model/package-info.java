/**
 * The {@link org.tabserve.model.Model} interface everything outside {@code model/} uses (no runtime here, which is
 * {@code model.onnx}'s, and nothing of HTTP, servlets or training), standing on the packages of the values it speaks
 * in, one per job, whose arrows point down only: {@code explain} and {@code live} on {@code card}, {@code card} on
 * {@code conformal}, and all of them on {@code signature}.
 *
 * <p>The {@code Model} interface everything outside {@code model/} uses (an {@code ExplainedModel}, as the explanations
 * see it), its {@code Engine}, and {@code UseCount}, which frees it after its last user: no ONNX Runtime, no HTTP, no
 * Tribuo. It stands on the packages of the values it speaks in, one per job below.
 */
package org.tabserve.model;
