// Renders the API reference from the platform's own OpenAPI document with the vendored Redoc (no CDN).
(function () {
  "use strict";
  var target = document.getElementById("api-reference");
  if (!target || !window.Redoc) {
    return;
  }
  window.Redoc.init(
    target.getAttribute("data-spec-url"),
    { hideDownloadButton: true, disableSearch: false, scrollYOffset: 0, nativeScrollbars: true },
    target
  );
})();
