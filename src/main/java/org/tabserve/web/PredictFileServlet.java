package org.tabserve.web;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.tabserve.model.ModelCard;
import org.tabserve.model.OnnxClassifier;
import org.tabserve.model.Prediction;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /predict_file}: a CSV upload (multipart field {@code file}) scored row by row. The upload is read
 * twice from the container's temporary file: once to check every row, then to predict and stream the answer, JSON
 * by default or CSV (input columns, label, one probability column per class) for {@code Accept: text/csv}.
 */
final class PredictFileServlet extends ApiServlet {

    static final String FIELD = "file";

    private final transient WebConfig config;

    PredictFileServlet(ServedModel model, ErrorRenderer errors, WebConfig config) {
        super(model, errors);
        this.config = config;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        requireContentType(request, "multipart/form-data");
        OnnxClassifier classifier = model.classifier();
        Part file = filePart(request);
        try {
            CsvRowsParser parser = new CsvRowsParser(classifier.signature(), config.maxCsvRows());
            List<String> header;
            try (InputStream in = file.getInputStream()) {
                header = parser.validate(in);
            }
            try (InputStream in = file.getInputStream()) {
                if (wantsCsv(request)) {
                    writeCsv(response, classifier, parser, in, header);
                } else {
                    writeJson(response, classifier, parser, in);
                }
            }
        } finally {
            file.delete();
        }
    }

    private Part filePart(HttpServletRequest request) throws IOException {
        try {
            Part file = null;
            List<String> others = new ArrayList<>();
            for (Part part : request.getParts()) {
                if (FIELD.equals(part.getName()) && file == null) {
                    file = part;
                } else {
                    others.add(part.getName());
                }
            }
            if (!others.isEmpty()) {
                throw HttpProblem.badRequest("unexpected multipart field(s) " + others + "; send the CSV once, in the field '" + FIELD + "'");
            }
            if (file == null) {
                throw HttpProblem.badRequest("the multipart field '" + FIELD + "' with the CSV is missing");
            }
            return file;
        } catch (IllegalStateException e) {
            throw HttpProblem.tooLarge("the upload is larger than the limit of " + config.maxUploadBytes() + " bytes");
        } catch (ServletException e) {
            throw HttpProblem.badRequest("the body is not a well-formed multipart/form-data upload");
        } catch (IOException e) {
            // The client stopped sending or hung up half-way; disk trouble on the server's side is logged as usual.
            HttpProblem problem = LimitedInputStream.unreadable(e);
            if (problem.status() == 408 || !(e.getMessage() != null && e.getMessage().contains("No space"))) {
                throw problem;
            }
            throw e;
        }
    }

    private static boolean wantsCsv(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("text/csv");
    }

    private static void writeJson(HttpServletResponse response, OnnxClassifier classifier, CsvRowsParser parser,
                                  InputStream in) throws IOException {
        ModelCard card = classifier.card();
        try (JsonGenerator json = PredictionJson.start(response)) {
            json.writeStartObject();
            json.writeArrayFieldStart("predictions");
            parser.forEachChunk(in, (records, rows) -> {
                for (Prediction prediction : classifier.predict(rows)) {
                    PredictionJson.write(json, prediction, card);
                }
            });
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static void writeCsv(HttpServletResponse response, OnnxClassifier classifier, CsvRowsParser parser,
                                 InputStream in, List<String> header) throws IOException {
        List<String> classes = classifier.signature().classLabels();
        List<String> columns = new ArrayList<>(header);
        columns.add("label");
        classes.forEach(c -> columns.add("probability_" + c));
        response.setStatus(200);
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"predictions.csv\"");
        Writer writer = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        try (CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            csv.printRecord(columns);
            List<Object> out = new ArrayList<>();
            parser.forEachChunk(in, (records, rows) -> {
                List<Prediction> predictions = classifier.predict(rows);
                for (int r = 0; r < rows.length; r++) {
                    out.clear();
                    records.get(r).forEach(out::add);
                    out.add(predictions.get(r).label());
                    out.addAll(predictions.get(r).probabilities());
                    csv.printRecord(out);
                }
            });
        }
    }
}
