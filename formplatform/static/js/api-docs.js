// Renders the API reference from the platform's own OpenAPI document with the vendored Redoc (no CDN).
(function () {
  "use strict";
  var target = document.getElementById("api-reference");
  if (!target || !window.Redoc) {
    return;
  }
  window.Redoc.init(
    target.getAttribute("data-spec-url"),
    {
      hideDownloadButton: true,
      disableSearch: false,
      scrollYOffset: 0,
      nativeScrollbars: true,
      // WCAG AA contrast: Redoc's default inline-code red (#e53935) is 4.0:1 on its tinted background
      // and its response-code tabs are coloured text on the dark panel: lighter tints keep the colour cue
      theme: {
        typography: { code: { color: "#a4161a" } },
        colors: {
          text: { secondary: "#455a64" },
          responses: {
            success: { tabTextColor: "#a5e3ab" },
            error: { tabTextColor: "#ffb3ab" },
            redirect: { tabTextColor: "#ffe0a3" },
            info: { tabTextColor: "#a3e4ff" }
          }
        }
      }
    },
    target
  );
})();
