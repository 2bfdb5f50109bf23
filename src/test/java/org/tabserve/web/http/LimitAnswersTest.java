package org.tabserve.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tabserve.testing.Http;
import org.tabserve.testing.Multipart;
import org.tabserve.web.http.limits.GzipInputTest;

/**
 * Every refusal for going past a limit says what raises that limit, so that whoever meets it knows what to change:
 * each 413 of the web app names its setting and that setting's environment variable (a fixed limit says it is
 * fixed), and the launcher's 431 for headers names its flag. The app runs with small limits, so that each is cheap to
 * pass.
 */
class LimitAnswersTest {

    private static final String TOKEN = "limit-answers-test-token-0123456789";
    private static final int BODY = 2_000;
    private static final int UPLOAD = 65_536;
    private static final String ROW = "{\"variance\": 3.6, \"skewness\": 8.6, \"curtosis\": -2.8, \"entropy\": -0.44}";
    private static final String CSV_HEADER = "variance,skewness,curtosis,entropy\n";
    private static final String FOUR_CSV_ROWS = CSV_HEADER + "3.6,8.6,-2.8,-0.44\n".repeat(4);

    @RegisterExtension
    static final Http http = Http.startingTheApp(Map.of(
            "TABSERVE_MAX_BODY_BYTES",
            Integer.toString(BODY),
            "TABSERVE_MAX_BATCH_ROWS",
            "3",
            "TABSERVE_MAX_UPLOAD_BYTES",
            Integer.toString(UPLOAD),
            "TABSERVE_MAX_CSV_ROWS",
            "3",
            "TABSERVE_ADMIN_TOKEN",
            TOKEN));

    /**
     * Asserts a 413 whose detail (an RFC 9457 problem's, or the Open Inference Protocol's {@code error}) names
     * {@code setting} and its environment variable; @return the detail
     */
    private static String namesItsSetting(Http.Response response, String setting) {
        String detail = response.request().contains("/v2/")
                ? v2Error(response)
                : response.problem(413).path("detail").asText();
        String variable = setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        assertTrue(detail.contains("the server's setting " + setting + " raises the limit"), detail);
        assertTrue(detail.contains("the environment variable " + variable), detail);
        return detail;
    }

    private static String v2Error(Http.Response response) {
        assertEquals(413, response.status(), response::text);
        return response.parse().path("error").asText();
    }

    private static String spaced(String json, int length) {
        return json + " ".repeat(length - json.length());
    }

    @Test
    void aJsonBodyOverTheBodyLimitNamesTabserveMaxBodyBytes() {
        String declared =
                namesItsSetting(http.fresh().postJson("/api/predict", spaced(ROW, BODY + 1)), WebConfig.MAX_BODY_BYTES);
        assertTrue(declared.startsWith("the body has " + (BODY + 1) + " bytes; the limit is " + BODY), declared);
        byte[] inflatesPast = GzipInputTest.gzip(spaced(ROW, 3 * BODY).getBytes(StandardCharsets.UTF_8));
        String inflated = namesItsSetting(
                http.fresh().post("/api/predict", "application/json", inflatesPast, "Content-Encoding", "gzip"),
                WebConfig.MAX_BODY_BYTES);
        assertTrue(inflated.startsWith("the body inflated is larger than the limit of " + BODY), inflated);
        namesItsSetting(
                http.fresh()
                        .post(
                                "/invocations",
                                "application/json",
                                spaced("{\"instances\": [" + ROW + "]}", BODY + 1)
                                        .getBytes(StandardCharsets.UTF_8)),
                WebConfig.MAX_BODY_BYTES);
        namesItsSetting(
                http.fresh()
                        .post(
                                "/v2/models/banknote-authenticator/infer",
                                "application/json",
                                spaced("{}", BODY + 1).getBytes(StandardCharsets.UTF_8)),
                WebConfig.MAX_BODY_BYTES);
        String form = namesItsSetting(
                http.fresh()
                        .postForm(
                                "/predict",
                                "variance=3.6&skewness=8.6&curtosis=-2.8" + "&entropy=-0.44&pad=" + "x".repeat(BODY)),
                WebConfig.MAX_BODY_BYTES);
        assertTrue(form.startsWith("the form has "), form);
    }

    @Test
    void moreRowsThanTheBatchLimitNamesTabserveMaxBatchRowsOnEveryRoute() {
        String instances = "{\"instances\": [" + String.join(", ", java.util.Collections.nCopies(4, ROW)) + "]}";
        String json = namesItsSetting(http.postJson("/api/predict", instances), WebConfig.MAX_BATCH_ROWS);
        assertTrue(json.startsWith("more than 3 instances in one request"), json);
        namesItsSetting(http.postJson("/predict", instances), WebConfig.MAX_BATCH_ROWS);
        namesItsSetting(http.postJson("/invocations", instances), WebConfig.MAX_BATCH_ROWS);
        String csv = namesItsSetting(
                http.post("/invocations", "text/csv", FOUR_CSV_ROWS.getBytes(StandardCharsets.UTF_8)),
                WebConfig.MAX_BATCH_ROWS);
        assertTrue(csv.startsWith("the CSV has more than 3 data rows"), csv);
        String v2 = namesItsSetting(
                http.postJson(
                        "/v2/models/banknote-authenticator/infer",
                        "{\"inputs\": [{\"name\":"
                                + " \"input\", \"shape\": [4, 4], \"datatype\": \"FP32\", \"data\": ["
                                + String.join(", ", java.util.Collections.nCopies(16, "1.0")) + "]}]}"),
                WebConfig.MAX_BATCH_ROWS);
        assertTrue(v2.startsWith("input 'input' has 4 rows; at most 3"), v2);
    }

    @Test
    void anUploadOverTheRowOrByteLimitNamesItsSetting() {
        String rows =
                namesItsSetting(http.upload("/predict_file", Multipart.csv(FOUR_CSV_ROWS)), WebConfig.MAX_CSV_ROWS);
        assertTrue(rows.startsWith("the CSV has more than 3 data rows"), rows);
        String big = CSV_HEADER + "3.6,8.6,-2.8,-0.44\n".repeat(UPLOAD / 10);
        String bytes =
                namesItsSetting(http.fresh().upload("/predict_file", Multipart.csv(big)), WebConfig.MAX_UPLOAD_BYTES);
        assertTrue(bytes.startsWith("the upload is larger than the limit of " + UPLOAD + " bytes"), bytes);
        // Three rows (within the row limit) whose long extra column takes the file past the byte limit once inflated
        String wide =
                CSV_HEADER.strip() + ",note\n" + ("3.6,8.6,-2.8,-0.44," + "x".repeat(UPLOAD / 2) + "\n").repeat(3);
        byte[] inflatesPast = GzipInputTest.gzip(wide.getBytes(StandardCharsets.UTF_8));
        String inflated = namesItsSetting(
                http.fresh()
                        .upload(
                                "/predict_file",
                                new Multipart().file("file", "notes.csv.gz", "application/gzip", inflatesPast)),
                WebConfig.MAX_UPLOAD_BYTES);
        assertTrue(inflated.startsWith("the file inflated is larger than the limit of " + UPLOAD), inflated);
    }

    @Test
    void anAdminModelOverTheUploadLimitNamesTabserveMaxUploadBytes() {
        namesItsSetting(
                http.fresh()
                        .post(
                                "/admin/model",
                                "application/octet-stream",
                                new byte[UPLOAD + 1],
                                "Authorization",
                                "Bearer " + TOKEN),
                WebConfig.MAX_UPLOAD_BYTES);
    }

    @Test
    void aCsvRowPastAFixedLimitSaysNoSettingRaisesIt() {
        String wide = CSV_HEADER.strip() + ",x".repeat(10_000) + "\n3.6,8.6,-2.8,-0.44\n";
        JsonNode problem = http.upload("/predict_file", Multipart.csv(wide)).problem(413);
        String detail = problem.path("detail").asText();
        assertTrue(detail.contains("the most a CSV row may have (fixed: no setting raises it)"), detail);
    }

    @Test
    void headersOverTheLaunchersLimitNameItsFlag() {
        Http.Response response = http.fresh().get("/api/model", "X-Padding", "x".repeat(9_000));
        String detail = response.problem(431).path("detail").asText();
        assertTrue(detail.contains("--max-header-bytes (TABSERVE_MAX_HEADER_BYTES) raises the limit"), detail);
    }
}
