// Starts Swagger UI on /apidocs with the document the page names (data-openapi on <body>); kept out of the page so
// that a strict Content-Security-Policy without inline scripts can be applied.
//
// With a person signed in to the pages, the page names its session's CSRF token (data-csrf on <body>): "Try it out"
// calls go with the session's cookie, as every fetch of this page's own origin does, and carry the token in the
// X-CSRF-Token header, without which the server refuses a session's post (403). The token goes to this server alone:
// a call to any other origin (a server another document names) is sent without it, and without the cookie.
function tabserveSessionInterceptor(csrf, origin) {
  return function (request) {
    var sameOrigin = new URL(request.url, origin).origin === origin;
    if (csrf && sameOrigin) {
      request.headers = request.headers || {};
      request.headers['X-CSRF-Token'] = csrf;
    }
    request.credentials = sameOrigin ? 'same-origin' : 'omit';
    return request;
  };
}

if (typeof window !== 'undefined' && window.addEventListener) {
  window.addEventListener('load', function () {
    window.ui = SwaggerUIBundle({
      url: document.body.dataset.openapi,
      dom_id: '#swagger-ui',
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      plugins: [SwaggerUIBundle.plugins.DownloadUrl],
      layout: 'StandaloneLayout',
      requestInterceptor: tabserveSessionInterceptor(document.body.dataset.csrf, window.location.origin)
    });
  });
}
