package org.tabserve.serving.trace;

import org.tabserve.model.answer.AnswerTrace;

/**
 * One request's server span: the parent of its answer's stages ({@link AnswerTrace}), given the request's attributes
 * after OpenTelemetry's conventions for HTTP servers and RPC, its status, and a refusal's status and title (never its
 * values); ended when the answer is written.
 */
public interface RequestSpan extends AnswerTrace {

    /**
     * The attribute of the caller's name, as its credential named it ({@code notes}, {@code oidc:notes},
     * {@code user:alice}): never the credential, nor any other claim of a token.
     */
    String CLIENT_NAME = "tabserve.client.name";
    /** The attribute of what named the caller: {@code key}, {@code token}, {@code certificate}, {@code person}, ... */
    String CLIENT_KIND = "tabserve.client.kind";

    /** The attribute of an HTTP answer's status; a 5xx makes the span an error. */
    String HTTP_STATUS = "http.response.status_code";

    /** No span: tracing is off. */
    RequestSpan NONE = new Off();

    /** No span, its answer's stages none either ({@link AnswerTrace.Untraced}): tracing is off. */
    final class Off extends AnswerTrace.Untraced implements RequestSpan {
        private Off() {}

        @Override
        public RequestSpan attribute(String key, String value) {
            return this;
        }

        @Override
        public RequestSpan attribute(String key, long value) {
            return this;
        }

        @Override
        public void refused(int status, String title) {}

        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public void end() {}
    }

    /** Sets an attribute of the request: its method, route, status; never a value it sent. */
    RequestSpan attribute(String key, String value);

    /** Sets a number's attribute of the request. */
    RequestSpan attribute(String key, long value);

    /**
     * Records a refusal or a failure: its status (an HTTP status, or a gRPC code's number) and its problem's title, as
     * the span's error; never the problem's detail, which may quote what was sent.
     */
    void refused(int status, String title);

    /** @return the span's own W3C {@code traceparent}, for the answer's header; null when off */
    String traceparent();

    /** Ends the span. */
    void end();
}
