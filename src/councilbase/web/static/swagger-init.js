// Starts Swagger UI on /api/docs with the app's own OpenAPI description; served from
// /static so that the page needs no inline script and nothing from outside.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
