package org.tabserve.model.answer;

/**
 * One column of an answer written as a table (CSV, JSON Lines, Arrow, Parquet, MLflow's records, Spark's result
 * struct): its name and how it holds its cells, taken from the field it spells out.
 *
 * @param field the per-row field it belongs to
 * @param name  the column's name
 * @param type  its cells' type
 * @param part  which of the field's parts it holds: the class index of a probability column, 0 and 1 for an
 *              interval's ends or a novelty's p-value and flag, else 0
 */
public record AnswerColumn(AnswerField field, String name, CellType type, int part) {}
