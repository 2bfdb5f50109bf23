// Starts Swagger UI on /apidocs with the document the page names (data-openapi on <body>); kept out of the page so
// that a strict Content-Security-Policy without inline scripts can be applied.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapi,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout'
  });
});
