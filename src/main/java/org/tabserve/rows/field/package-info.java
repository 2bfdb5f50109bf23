/**
 * The words every floor of the rows shares, and the ground they stand on: a field's problem
 * ({@link org.tabserve.rows.field.FieldProblem}) and the one refusal listing them
 * ({@link org.tabserve.rows.field.RowsException}), what a bad row does ({@link org.tabserve.rows.field.OnError}), a
 * row's place in its input, the warnings an answer carries, a number's text and JSON's text (a body checked as
 * UTF-8). It imports no other package of the rows.
 */
package org.tabserve.rows.field;
