/* Shared by the kiosk screens (kiosk/templates/kiosk/_base.html): language switch, on-screen keypad,
 * a code box that keeps the focus (a USB scanner types into whatever is focused), no context menu,
 * no dragging. Browser dialogs are never used: in kiosk mode nobody could dismiss them. */
(function () {
  "use strict";

  var body = document.body;

  function setLang(lang) {
    var chosen = lang === "en" ? "en" : "vi";
    body.setAttribute("data-lang", chosen);
    document.documentElement.lang = chosen;
    document.querySelectorAll(".k-lang__btn").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === chosen));
    });
  }

  function lang() {
    return body.getAttribute("data-lang") === "en" ? "en" : "vi";
  }

  function keepFocusTarget() {
    var box = document.querySelector("[data-keep-focus]");
    return box && box.offsetParent !== null && !box.disabled ? box : null;
  }

  function refocus() {
    var box = keepFocusTarget();
    var active = document.activeElement;
    if (box && (!active || active === body || active === document.documentElement)) {
      box.focus();
    }
  }

  function press(key) {
    var pad = key.closest(".k-keypad");
    var input = pad && document.getElementById(pad.getAttribute("data-target"));
    if (!input) return;
    var value = key.getAttribute("data-key");
    var limit = input.maxLength > 0 ? input.maxLength : 60;
    if (value === "back") input.value = input.value.slice(0, -1);
    else if (value === "clear") input.value = "";
    else if (input.value.length < limit) input.value += value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  }

  document.addEventListener("click", function (event) {
    var switcher = event.target.closest(".k-lang__btn");
    if (switcher) setLang(switcher.getAttribute("data-lang"));
    var key = event.target.closest(".k-key");
    if (key) press(key);
  });
  // Tapping a key, the language switch or the entry form's button must not take the focus from the code box.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest(".k-key, .k-lang__btn, .k-entry button")) event.preventDefault();
  });
  document.addEventListener("focusout", function () {
    window.setTimeout(refocus, 0);
  });
  document.addEventListener("contextmenu", function (event) {
    event.preventDefault();
  });
  document.addEventListener("dragstart", function (event) {
    event.preventDefault();
  });
  // A key typed while nothing useful has the focus goes to the code box (scanners type fast and blindly).
  document.addEventListener("keydown", function (event) {
    var box = keepFocusTarget();
    var active = document.activeElement;
    var typing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA");
    if (box && !typing && event.key && event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey && !event.altKey) {
      box.focus();
    }
  });

  window.Kiosk = { setLang: setLang, lang: lang, refocus: refocus };
  refocus();
})();
