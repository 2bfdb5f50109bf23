/**
 * The JSON parts of an answer, written alike by every route: a prediction
 * ({@link org.tabserve.rows.answerjson.PredictionJson}), its warnings, uncertainty and explanation, the rows refused in
 * their place, and the request fields that ask for them (coverage, explain). It stands on {@code rows.field} alone.
 */
package org.tabserve.rows.answerjson;
