package org.tabserve.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A labelled table read from a CSV file with a header row: numeric feature columns in file order and one label
 * column, with the file's SHA-256 so that a model can say exactly what it learned from.
 *
 * @param file         the file's name (no directories)
 * @param sha256       SHA-256 of the file's bytes, lower-case hex
 * @param featureNames feature column names, in the file's column order
 * @param rows         feature values, one array per data row, in file order
 * @param labels       the label of each row, as written in the file
 */
record LabeledData(String file, String sha256, List<String> featureNames, List<double[]> rows, List<String> labels) {

    LabeledData {
        featureNames = List.copyOf(featureNames);
        rows = List.copyOf(rows);
        labels = List.copyOf(labels);
    }

    /**
     * Reads a CSV whose every column but {@code labelColumn} is a number.
     *
     * @throws IllegalArgumentException naming the line and column of the first value that is not a finite number
     */
    static LabeledData read(Path csv, String labelColumn) throws IOException {
        byte[] bytes = Files.readAllBytes(csv);
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames();
            if (!header.contains(labelColumn)) {
                throw new IllegalArgumentException(csv + " has no column '" + labelColumn + "'; columns are " + header);
            }
            List<String> features =
                    header.stream().filter(h -> !h.equals(labelColumn)).toList();
            List<double[]> rows = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (CSVRecord record : parser) {
                double[] row = new double[features.size()];
                for (int i = 0; i < row.length; i++) {
                    String text = record.get(features.get(i));
                    try {
                        row[i] = Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        row[i] = Double.NaN;
                    }
                    if (!Double.isFinite(row[i])) {
                        throw new IllegalArgumentException(csv + " line " + parser.getCurrentLineNumber() + ", column '"
                                + features.get(i) + "': '" + text + "' is not a finite number");
                    }
                }
                rows.add(row);
                labels.add(record.get(labelColumn).strip());
            }
            return new LabeledData(csv.getFileName().toString(), sha256(bytes), features, rows, labels);
        }
    }

    /** @return the number of data rows */
    int size() {
        return rows.size();
    }

    /** @return the distinct labels, sorted */
    List<String> classes() {
        return labels.stream().distinct().sorted().toList();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
