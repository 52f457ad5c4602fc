/* Keeps every export's progress bar current: polls its status until it is ready or failed. */
(function () {
  "use strict";
  var POLL_MS = 1000;

  function show(box, job) {
    var state = box.querySelector("[data-export-state]");
    box.dataset.state = job.state;
    state.textContent = box.getAttribute("data-label-" + job.state) || job.state;
    state.className = "fp-badge fpx-state " + (job.state === "done" ? "fp-badge--success" : job.state === "failed" ? "fp-badge--danger" : "fp-badge--muted");
    var bar = box.querySelector("[data-export-bar]");
    bar.value = job.progress.percent;
    bar.textContent = job.progress.percent + "%";
    if (job.progress.total) {
      var done = job.state === "done" ? job.progress.total : job.progress.done;
      box.querySelector("[data-export-count]").textContent = box.dataset.counted
        .replace("%(done)s", done.toLocaleString(document.documentElement.lang))
        .replace("%(total)s", job.progress.total.toLocaleString(document.documentElement.lang));
    }
    box.querySelector("[data-export-download]").hidden = job.state !== "done";
    var failure = box.querySelector("[data-export-failure]");
    failure.hidden = job.state !== "failed";
    if (job.state === "failed" && job.error_message) failure.textContent = job.error_message;
  }

  function follow(box) {
    if (box.dataset.state === "done" || box.dataset.state === "failed") return;
    fetch(box.dataset.exportJob, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job) show(box, job);
        setTimeout(function () { follow(box); }, POLL_MS);
      })
      .catch(function () { setTimeout(function () { follow(box); }, POLL_MS * 5); });
  }

  document.querySelectorAll("[data-export-job]").forEach(follow);
})();
