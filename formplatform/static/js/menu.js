/* The header menu collapses behind a button on phones (issue 22). Loaded in <head> without defer so the
   page is styled as collapsed from its first paint (html.fp-js); without script the menu stays open. */
(function () {
  "use strict";
  document.documentElement.classList.add("fp-js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".fp-menu-toggle");
    var nav = document.getElementById("fp-nav");
    if (!button || !nav) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("fp-nav--open", open);
      if (open) {
        var first = nav.querySelector("a");
        if (first) first.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.click();
        button.focus();
      }
    });
  });
})();
