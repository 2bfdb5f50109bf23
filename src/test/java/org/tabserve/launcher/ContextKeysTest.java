package org.tabserve.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tabserve.predictionlog.PredictionLogOptions;
import org.tabserve.repository.RepositoryOptions;
import org.tabserve.web.ContextAttributes;
import org.tabserve.web.TabserveListener;
import org.tabserve.web.http.WebConfig;
import org.tabserve.web.http.container.SecurityHeadersFilter;

/**
 * The launcher and the web app talk through context attributes and init-parameters, each spelled once on each side:
 * the launcher may not import the web app (it runs Jetty in its own class loader, and the app must run in any
 * container), so it keeps its own copy of each key, and this test keeps the copies equal.
 */
class ContextKeysTest {

    @Test
    void theLauncherReadsTheAttributesTheAppSets() {
        assertEquals(ContextAttributes.MODEL_SUMMARY, EmbeddedServer.MODEL_SUMMARY);
        assertEquals(ContextAttributes.MODEL_FAILURE, EmbeddedServer.MODEL_FAILURE);
        assertEquals(SecurityHeadersFilter.HEADERS_ATTRIBUTE, ProblemErrorHandler.SECURITY_HEADERS);
        assertEquals(org.tabserve.web.http.HealthHandler.READY_BODY, ProbeBodies.READY_BODY);
        assertEquals(org.tabserve.web.http.HealthHandler.PATH + "/ready", ProbeBodies.READY);
        assertEquals(org.tabserve.web.http.HealthHandler.PATH + "/live", ProbeBodies.LIVE);
    }

    @Test
    void theLauncherReadsWholeNumbersAsTheAppDoes() {
        assertEquals(org.tabserve.model.WholeNumbers.ASCII.pattern(), LauncherArguments.WHOLE_NUMBER);
    }

    @Test
    void theAppReadsTheCountersTheLauncherSets() {
        assertEquals(ContextAttributes.LAUNCHER_COUNTERS, EmbeddedServer.COUNTERS);
        assertEquals(ContextAttributes.LAUNCHER_HOST, ServerPorts.HOST);
        assertEquals(org.tabserve.serving.monitor.TabserveMetrics.RESPONSES_CUT, EmbeddedServer.RESPONSES_CUT);
        assertEquals(org.tabserve.serving.monitor.TabserveMetrics.CLIENT_ABORTS, EmbeddedServer.CLIENT_ABORTS);
        assertEquals(org.tabserve.serving.monitor.TabserveMetrics.HEADERS_REFUSED, EmbeddedServer.HEADERS_REFUSED);
        assertEquals(
                org.tabserve.serving.monitor.TabserveMetrics.ACCESS_LOG_DROPPED, EmbeddedServer.ACCESS_LOG_DROPPED);
        assertEquals(org.tabserve.serving.monitor.TabserveMetrics.LOG_DROPPED, EmbeddedServer.LOG_DROPPED);
    }

    @Test
    void theAppTakesTheModelTheLauncherLoadedAhead() throws Exception {
        assertEquals(ContextAttributes.LAUNCHER_MODEL_AHEAD, ModelAheadConfiguration.ATTRIBUTE);
        assertEquals(org.tabserve.repository.ModelAhead.class.getName(), ModelAheadConfiguration.APP_CLASS);
        assertEquals(
                Object.class,
                org.tabserve.repository.ModelAhead.class
                        .getMethod("load", java.nio.file.Path.class)
                        .getReturnType(),
                "the launcher calls it by reflection");
    }

    @Test
    void theLauncherSetsTheParametersTheAppReads() {
        assertEquals(WebConfig.MODEL, EmbeddedServer.MODEL_PARAMETER);
        assertEquals(RepositoryOptions.DIRECTORY, EmbeddedServer.MODELS_PARAMETER);
        assertEquals(RepositoryOptions.POLL_SECONDS, EmbeddedServer.POLL_SECONDS_PARAMETER);
        assertEquals(RepositoryOptions.DEFAULT_MODEL, EmbeddedServer.DEFAULT_MODEL_PARAMETER);
        assertEquals(RepositoryOptions.MAX_MODELS, EmbeddedServer.MAX_MODELS_PARAMETER);
        assertEquals(PredictionLogOptions.DIRECTORY, EmbeddedServer.PREDICTION_LOG_PARAMETER);
        assertEquals(org.tabserve.web.http.limits.BodyRate.MIN_REQUEST_RATE, EmbeddedServer.MIN_REQUEST_RATE_PARAMETER);
        assertEquals(
                org.tabserve.web.http.limits.BodyRate.MIN_REQUEST_RATE_GRACE,
                EmbeddedServer.MIN_REQUEST_RATE_GRACE_PARAMETER);
        assertEquals(
                org.tabserve.web.http.limits.BodyRate.DEFAULT,
                new org.tabserve.web.http.limits.BodyRate(
                        LauncherOptions.DEFAULT_MIN_REQUEST_RATE, LauncherOptions.DEFAULT_MIN_REQUEST_RATE_GRACE),
                "the app's defaults are the launcher's, so that the launcher passes only the rates it is given");
        assertEquals(
                java.util.List.of(
                        PredictionLogOptions.DIRECTORY,
                        PredictionLogOptions.SAMPLE,
                        PredictionLogOptions.MASK,
                        org.tabserve.web.http.auth.FeedbackToken.FEEDBACK_TOKEN,
                        TabserveListener.SHARED_STATE,
                        org.tabserve.web.http.auth.FeedbackToken.OPEN_FEEDBACK,
                        org.tabserve.web.http.auth.Access.API_KEYS,
                        org.tabserve.web.http.auth.AuditLog.AUDIT_LOG,
                        org.tabserve.serving.access.oidc.OidcTokens.ISSUER,
                        org.tabserve.serving.access.oidc.OidcTokens.AUDIENCE,
                        org.tabserve.serving.access.oidc.OidcTokens.SCOPES_CLAIM,
                        org.tabserve.serving.access.ClientRates.CLIENT_RATES,
                        org.tabserve.serving.access.oidc.OidcTokens.READ_DEADLINE,
                        org.tabserve.serving.access.oidc.OidcTokens.MIN_READ_RATE,
                        org.tabserve.serving.access.oidc.OidcLogin.CLIENT,
                        org.tabserve.serving.access.oidc.OidcLogin.SECRET_FILE,
                        org.tabserve.serving.access.oidc.OidcLogin.REDIRECT_BASE,
                        org.tabserve.web.http.container.CrossOrigins.CORS_ORIGINS),
                LauncherOptions.WEB_SETTING_FLAGS.stream()
                        .map(flag -> "tabserve." + flag.substring(2))
                        .toList());
    }
}
