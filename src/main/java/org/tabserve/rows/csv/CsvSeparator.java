package org.tabserve.rows.csv;

/**
 * The separators a CSV upload's header row may use (comma; semicolon, as European Excel writes with decimal commas;
 * tab), found from that row before it is split ({@link CsvLexer#separator}), with how messages name them; a tie goes
 * to the first.
 */
public enum CsvSeparator {
    COMMA(',', "comma-separated"),
    SEMICOLON(';', "semicolon-separated (decimal commas allowed)"),
    TAB('\t', "tab-separated");

    final char character;
    final String description;

    CsvSeparator(char character, String description) {
        this.character = character;
        this.description = description;
    }

    /** The separator counted most often, by ordinal; comma when none is. */
    static CsvSeparator of(int[] counts) {
        CsvSeparator best = COMMA;
        for (CsvSeparator separator : values()) {
            if (counts[separator.ordinal()] > counts[best.ordinal()]) {
                best = separator;
            }
        }
        return best;
    }
}
