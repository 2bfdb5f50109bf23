package org.tabserve.web.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A realm's set-up for a person's sign-in to tabserve's pages, made at test time through Keycloak's admin REST API as
 * docs/security.md's "Keycloak's login client" describes it: a confidential client for the pages (standard flow alone,
 * PKCE S256, the server's callback as its redirect URI, its {@code /} after sign-out, realm roles in the ID token), and
 * a user with a password and realm roles.
 */
final class KeycloakPages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    private final String realm;
    private final String admin;

    /**
     * @param base  Keycloak's address, {@code http://127.0.0.1:PORT}
     * @param admin an access token of the master realm's admin
     */
    KeycloakPages(String base, String realm, String admin) {
        this.base = base;
        this.realm = realm;
        this.admin = admin;
    }

    /** Makes the pages' login client {@code client} with {@code secret}, for a tabserve at {@code server}. */
    void loginClient(String client, String secret, URI server) throws Exception {
        String root = server.toString().replaceAll("/$", "");
        Map<String, Object> mapper = Map.of(
                "name", "realm roles in the ID token",
                "protocol", "openid-connect",
                "protocolMapper", "oidc-usermodel-realm-role-mapper",
                "config",
                        Map.of(
                                "claim.name", "realm_access.roles",
                                "multivalued", "true",
                                "jsonType.label", "String",
                                "id.token.claim", "true",
                                "access.token.claim", "true",
                                "userinfo.token.claim", "true"));
        Map<String, Object> representation = Map.of(
                "clientId",
                client,
                "protocol",
                "openid-connect",
                "publicClient",
                false,
                "secret",
                secret,
                "standardFlowEnabled",
                true,
                "directAccessGrantsEnabled",
                false,
                "serviceAccountsEnabled",
                false,
                "redirectUris",
                List.of(root + "/login/callback"),
                "attributes",
                Map.of("post.logout.redirect.uris", root + "/", "pkce.code.challenge.method", "S256"),
                "protocolMappers",
                List.of(mapper));
        HttpResponse<String> made = send("POST", "/clients", JSON.writeValueAsString(representation));
        assertEquals(201, made.statusCode(), made.body());
    }

    /** Makes the user {@code name} with {@code password} and the realm roles {@code roles}. */
    void user(String name, String password, List<String> roles) throws Exception {
        Map<String, Object> user = Map.of(
                "username",
                name,
                "enabled",
                true,
                "email",
                name + "@example.com",
                "emailVerified",
                true,
                "firstName",
                name,
                "lastName",
                "Tester",
                "credentials",
                List.of(Map.of("type", "password", "value", password, "temporary", false)));
        HttpResponse<String> made = send("POST", "/users", JSON.writeValueAsString(user));
        assertEquals(201, made.statusCode(), made.body());
        String location = made.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        List<Object> found = new ArrayList<>();
        for (String role : roles) {
            HttpResponse<String> read = send("GET", "/roles/" + URLEncoder.encode(role, StandardCharsets.UTF_8), null);
            assertEquals(200, read.statusCode(), read.body());
            found.add(JSON.readValue(read.body(), Map.class));
        }
        HttpResponse<String> given =
                send("POST", "/users/" + id + "/role-mappings/realm", JSON.writeValueAsString(found));
        assertEquals(204, given.statusCode(), given.body());
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + realm + path))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
