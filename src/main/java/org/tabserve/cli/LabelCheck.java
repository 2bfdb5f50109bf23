package org.tabserve.cli;

import org.tabserve.model.Model;
import org.tabserve.model.signature.Task;

/** The {@code card} command's check of a row's label: a class of the model, or a regressor's number. */
final class LabelCheck {

    private LabelCheck() {}

    /** The label of a row checked as the model's task needs: a known class, or a number. */
    static String checkLabel(Model model, String labelColumn, String text, long row) {
        if (text.isEmpty()) {
            throw CommandException.refused(CardCommand.NAME + ": row " + row + ": the label column '" + labelColumn
                    + "' is empty; every row needs its label");
        }
        if (model.signature().task() == Task.CLASSIFICATION) {
            if (!model.signature().classLabels().contains(text)) {
                throw CommandException.refused(CardCommand.NAME + ": row " + row + ": label '" + text
                        + "' in column '" + labelColumn + "' is not a class of the model; its classes are "
                        + model.signature().classLabels() + " (if the column holds the classes' names, pass"
                        + " --class-names with one name per class, in that order)");
            }
        } else {
            target(labelColumn, text, row);
        }
        return text;
    }

    static double target(String labelColumn, String text, long row) {
        try {
            double value = Double.parseDouble(text);
            if (Double.isFinite(value)
                    && !text.endsWith("d")
                    && !text.endsWith("D")
                    && !text.endsWith("f")
                    && !text.endsWith("F")) {
                return value;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw CommandException.refused(CardCommand.NAME + ": row " + row + ": label '" + text + "' in column '"
                + labelColumn + "' is not a number; a regressor's label must be one");
    }
}
