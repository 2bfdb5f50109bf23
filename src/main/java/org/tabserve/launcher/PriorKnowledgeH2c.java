package org.tabserve.launcher;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * HTTP/2 cleartext for clients that speak it from the first byte (prior knowledge: gRPC's plaintext channels), and
 * only for them: an HTTP/1.1 request asking to upgrade ({@code Upgrade: h2c}, as the JDK's HttpClient sends by
 * default) stays HTTP/1.1, so that every HTTP/1.1 client is answered exactly as before h2c was enabled (an upgraded
 * request that is refused mid-body ends in a stream reset rather than its 4xx). Prior knowledge is a choice made by
 * a connection's first bytes: a preface sent after an HTTP/1.1 request on a kept-alive connection stays an HTTP/1.1
 * request (a bad one), so that a connection never changes protocol half-way.
 *
 * <p>Public because the Jetty base serves h2c with it too: deploy/jetty-base.sh's {@code tabserve-h2c} module puts
 * this jar on Jetty's class path and creates it from Jetty XML instead of Jetty's stock {@code http2c} module, whose
 * factory upgrades any request (jetty/jetty.project#11588: an upgraded chunked body is read as HTTP/2 frames).
 */
public final class PriorKnowledgeH2c extends HTTP2CServerConnectionFactory {

    /** @param configuration the HTTP configuration of the connector's HTTP/1.1 factory */
    public PriorKnowledgeH2c(HttpConfiguration configuration) {
        super(configuration);
    }

    @Override
    public Connection upgradeConnection(
            Connector connector, EndPoint endPoint, MetaData.Request request, HttpFields.Mutable responseFields) {
        // HTTP/2's connection preface reaches the HTTP/1.1 parser as a request "PRI * HTTP/2.0": take it over, if it
        // is the connection's first request (nothing answered on it yet; HTTP/1.1 parses a request only once the one
        // before it has been answered).
        return "PRI".equals(request.getMethod()) && endPoint.getConnection().getMessagesOut() == 0
                ? super.upgradeConnection(connector, endPoint, request, responseFields)
                : null;
    }
}
