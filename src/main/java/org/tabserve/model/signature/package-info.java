/**
 * What a model takes and gives, the floor every other package of the model stands on: its signature, rows checked
 * against it as a {@link org.tabserve.model.signature.Batch}, a row's prediction, and its one exception with field
 * errors.
 */
package org.tabserve.model.signature;
