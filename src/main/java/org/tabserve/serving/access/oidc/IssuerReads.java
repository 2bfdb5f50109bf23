package org.tabserve.serving.access.oidc;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.tabserve.outbound.BoundedBody;
import org.tabserve.outbound.ClientTls;
import org.tabserve.outbound.OutboundRead;
import org.tabserve.outbound.ReadBound;

/**
 * Every read from the OIDC issuer, as Nimbus' {@link ResourceRetriever}: one JDK client on {@link ClientTls}'s context
 * (GlassFish leaves the JVM's default impossible to make) that follows no redirect, each read held to one
 * {@link ReadBound} (a total deadline and a minimum rate, both settings) from the request sent to the last byte of its
 * answer, at most {@link #MAX_DOCUMENT_BYTES}, else abandoned in words naming the setting.
 */
final class IssuerReads implements ResourceRetriever {

    /** The most a discovery document, a JWKS or a token endpoint's answer may weigh. */
    static final int MAX_DOCUMENT_BYTES = 1 << 20;

    private final HttpClient http;
    private final ReadBound bound;

    IssuerReads(ReadBound bound) {
        this(
                HttpClient.newBuilder()
                        .sslContext(ClientTls.context())
                        .connectTimeout(bound.deadline())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build(),
                bound);
    }

    private IssuerReads(HttpClient http, ReadBound bound) {
        this.http = http;
        this.bound = bound;
    }

    /** @return the same client for reads said in other words ("the OIDC issuer's JWKS"), sharing the bound's count */
    IssuerReads named(String what) {
        return new IssuerReads(http, bound.named(what));
    }

    /** A document of the issuer's: 200, read whole within the bound. */
    @Override
    public Resource retrieveResource(URL url) throws IOException {
        return new Resource(read(url.toString()), "application/json");
    }

    /** {@link #retrieveResource} of an address as the issuer's documents spell it. */
    String read(String url) throws IOException {
        if (!url.matches("https?://\\S+")) {
            throw new IOException(url + " is not an http(s) address");
        }
        HttpResponse<byte[]> response;
        try {
            response = send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json"), url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the read of " + url + " was interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /**
     * Posts a form to the issuer ({@code token_endpoint}'s code exchange), held to the bound as a document is.
     *
     * @param headers the request's headers, name and value in turn
     * @return the answer's status and body, whatever its status
     */
    HttpResponse<byte[]> post(URI uri, String form, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request, uri);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, Object url)
            throws IOException, InterruptedException {
        try (OutboundRead read = bound.begin()) {
            return ReadBound.await(
                    read,
                    http.sendAsync(
                            request.timeout(bound.deadline()).build(),
                            new BoundedBody(read, MAX_DOCUMENT_BYTES, url.toString())));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof IOException io
                    ? io
                    : new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }
}
