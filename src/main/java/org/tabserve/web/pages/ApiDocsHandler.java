package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.tabserve.serving.ResolvedModel;
import org.tabserve.web.api.OpenApiHandler;
import org.tabserve.web.http.Views;

/**
 * {@code GET /apidocs}: Swagger UI, from the swagger-ui webjar in {@code WEB-INF/lib} (whose
 * {@code META-INF/resources} the container serves as static files), pointed at {@code /openapi.json}. No CDN and no
 * inline script: the page loads the webjar's files and {@code static/apidocs.js}.
 */
public final class ApiDocsHandler {

    /** Where the page is. */
    public static final String PATH = "/apidocs";

    /** Where the webjar's Maven descriptor names the Swagger UI version its files sit under. */
    private static final String WEBJAR_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private final Views views;
    private final String swaggerUi;

    public ApiDocsHandler(Views views) {
        this.views = views;
        this.swaggerUi = "/webjars/swagger-ui/" + webjarVersion() + "/";
    }

    /** {@code GET /apidocs}. */
    public void show(ResolvedModel model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        views.render(
                request,
                response,
                200,
                "apidocs",
                Map.of("swaggerUi", swaggerUi, "document", OpenApiHandler.JSON_PATH));
    }

    static String webjarVersion() {
        try (InputStream in = ApiDocsHandler.class.getResourceAsStream(WEBJAR_POM)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing: no " + WEBJAR_POM);
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + WEBJAR_POM, e);
        }
    }
}
