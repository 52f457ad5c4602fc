/* The pairing page: reload it every half hour while nobody types, so its form token never goes stale
 * on a screen left waiting for the administrator. */
(function () {
  "use strict";
  var box = document.getElementById("k-pair-code");
  window.setInterval(function () {
    if (box && box.value === "" && navigator.onLine) window.location.reload();
  }, 30 * 60 * 1000);
})();
