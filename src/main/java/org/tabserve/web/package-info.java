/**
 * Thin servlets and views that translate HTTP to model calls: one parser per input format, one error type
 * ({@link org.tabserve.web.HttpProblem}) and one place that renders errors; wired once by
 * {@link org.tabserve.web.TabserveListener}.
 */
package org.tabserve.web;
