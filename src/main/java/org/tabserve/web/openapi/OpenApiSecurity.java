package org.tabserve.web.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The credentials the server takes, as the OpenAPI document declares them, so that Swagger UI's "Authorize" sends
 * them: a bearer token always (the admin and feedback tokens are bearer tokens, and API keys and OIDC access tokens
 * go the same way), and the OIDC issuer's discovery when one is given. When every route needs a credential
 * ({@code required}: API keys or an issuer), the document asks one of them of every operation but those of the paths
 * the route table leaves open (the probes: health, the v2 health, MLflow's ping).
 *
 * @param required whether every route but the open ones needs a credential
 * @param issuer   the OIDC issuer whose tokens are taken, as its tokens' {@code iss} spells it
 * @param open     whether a path of the document asks no scope of its caller (the route table's answer)
 */
public record OpenApiSecurity(boolean required, Optional<String> issuer, Predicate<String> open) {

    /** A server that asks no credential of its routes and knows no issuer. */
    public static final OpenApiSecurity OPEN = new OpenApiSecurity(false, Optional.empty(), path -> true);

    /** The bearer scheme's name in the document. */
    static final String BEARER = "bearer";
    /** The OIDC scheme's name in the document. */
    static final String OIDC = "oidc";

    /** Declares the schemes in {@code api}'s components and, when a credential is required, asks it of each route. */
    void addTo(OpenAPI api) {
        api.getComponents()
                .addSecuritySchemes(
                        BEARER,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .description("An API key of the server's keys file, an OIDC access token of its"
                                        + " issuer, or for labels and admin routes the feedback or admin token:"
                                        + " Authorization: Bearer TOKEN"));
        issuer.ifPresent(url -> api.getComponents()
                .addSecuritySchemes(
                        OIDC,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.OPENIDCONNECT)
                                .openIdConnectUrl(url.replaceAll("/+$", "") + "/.well-known/openid-configuration")
                                .description("A token of the server's OIDC issuer, by its discovery")));
        if (!required) {
            return;
        }
        List<SecurityRequirement> any = new ArrayList<>(List.of(new SecurityRequirement().addList(BEARER)));
        issuer.ifPresent(url -> any.add(new SecurityRequirement().addList(OIDC)));
        api.security(any);
        for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
            if (open.test(path.getKey())) {
                for (Operation operation : path.getValue().readOperations()) {
                    operation.security(List.of()); // a probe answers everyone
                }
            }
        }
    }
}
