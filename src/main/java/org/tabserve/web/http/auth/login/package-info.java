/**
 * A person's sign-in to the pages through the OIDC issuer ({@code --oidc-login-client}): the servlet filter of the
 * authorization code flow and of sign-out ({@link org.tabserve.web.http.auth.login.LoginFilter}), the server-side
 * sessions it keeps (bounded in count and memory, with idle and absolute timeouts), the sign-ins under way sealed in
 * the browser's pre-login cookie (nothing kept on the server at a start, each start bounded by its address), the
 * marks of the sign-ins that came back (each used once, their count bounded), in the replica's memory or, with
 * {@code --shared-state}, in the fleet's shared store, sealed under their ids, and the cookies' rules. The protocol's
 * messages are {@code serving.access.oidc}'s; what a session's person may do is checked by {@code auth}'s one check,
 * as for every other caller. Stands on {@code http} and {@code auth}.
 *
 * <p>A person's sign-in to the pages ({@code --oidc-login-client}): {@code LoginFilter}, the portable servlet filter of
 * the code flow (its start, bounded per address by {@code LoginStarts}; {@code /login/callback}, {@code LoginCallback},
 * served ahead of the concurrency limit with its token exchanges bounded apart; {@code /logout}), of the session's
 * person ({@code auth.Access.SIGNED_IN}) and of the CSRF check of a session's posts; {@code PreLogins}, a sign-in under
 * way sealed in its pre-login cookie; where the rest is kept, {@code LoginState}: in the replica's memory
 * ({@code LocalLoginState}: {@code Sessions}, server-side, bounded in count and memory, idle and absolute timeouts, and
 * {@code ReturnedLogins}, the sign-ins that came back, bounded) or, with {@code --shared-state}, in the fleet's store
 * ({@code SharedLoginState}, each value sealed under its id by {@code SessionSeal}); {@code SessionCookies},
 * {@code LoginSettings}. The protocol's messages are {@code serving.access.oidc}'s {@code OidcLogin}. Stands on
 * {@code http} and {@code auth}.
 */
package org.tabserve.web.http.auth.login;
