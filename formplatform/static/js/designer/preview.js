/* The designer's preview frame: answers and rules work as on the real page, but nothing is sent. */
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var banner = document.querySelector(".fp-preview__banner");
      if (banner) {
        banner.classList.add("fp-preview__banner--flash");
        banner.scrollIntoView({block: "center"});
      }
    });
  });
}());
