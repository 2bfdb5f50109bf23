/**
 * The words every floor of the rows shares, and the ground they stand on: a field's problem
 * ({@link org.tabserve.rows.field.FieldProblem}) and the one refusal listing them
 * ({@link org.tabserve.rows.field.RowsException}), what a bad row does ({@link org.tabserve.rows.field.OnError}), a
 * row's place in its input, the warnings an answer carries, a number's text and JSON's text (a body checked as
 * UTF-8). It imports no other package of the rows.
 *
 * <p>What every floor of rows shares: {@code FieldProblem} and one exception, {@code RowsException}, with field errors;
 * {@code OnError}, {@code RowPlace}, {@code RowWarnings}; number text ({@code NumberText}) and JSON text
 * ({@code JsonText}, over {@code Utf8Input}).
 */
package org.tabserve.rows.field;
