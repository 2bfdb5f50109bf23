/**
 * A person's sign-in to the pages through the OIDC issuer ({@code --oidc-login-client}): the servlet filter of the
 * authorization code flow and of sign-out ({@link org.tabserve.web.http.auth.login.LoginFilter}), the server-side
 * sessions it keeps (bounded in count and memory, with idle and absolute timeouts) and the pre-login table of sign-ins
 * under way (bounded, the oldest let go), in the replica's memory or, with {@code --shared-state}, in the fleet's
 * shared store, sealed under their ids, and the cookies' rules. The protocol's messages are
 * {@code serving.access.oidc}'s; what a session's person may do is checked by {@code auth}'s one check, as for every
 * other caller. Stands on {@code http} and {@code auth}.
 *
 * <p>A person's sign-in to the pages ({@code --oidc-login-client}): {@code LoginFilter}, the portable servlet filter of
 * the code flow (its start, {@code /login/callback}, {@code /logout}), of the session's person
 * ({@code auth.Access.SIGNED_IN}) and of the CSRF check of a session's posts; where they are kept, {@code LoginState}:
 * in the replica's memory ({@code LocalLoginState}: {@code Sessions}, server-side, bounded in count and memory, idle
 * and absolute timeouts, and {@code PendingLogins}, the pre-login table, bounded, the oldest let go) or, with
 * {@code --shared-state}, in the fleet's store ({@code SharedLoginState}, each value sealed under its id by
 * {@code SessionSeal}); {@code SessionCookies}, {@code LoginSettings}. The protocol's messages are
 * {@code serving.access.oidc}'s {@code OidcLogin}. Stands on {@code http} and {@code auth}.
 */
package org.tabserve.web.http.auth.login;
