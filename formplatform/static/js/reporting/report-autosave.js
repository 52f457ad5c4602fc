/*
 * Autosave of a report draft: a few seconds after the drafter stops typing, the form is posted in the
 * background (files excepted: they are sent by "Save draft" or "Submit") and the page's revision is
 * updated, so the manual buttons keep working. A 409 means someone else saved: autosave stops and
 * says so, and nothing on the page is lost.
 */
(function () {
  "use strict";

  var status = document.getElementById("fp-report-autosave");
  if (!status || !window.fetch || !window.FormData) {
    return;
  }
  var form = document.getElementById(status.getAttribute("data-form"));
  var revision = document.querySelector("input[name=revision][form='" + status.getAttribute("data-form") + "']");
  if (!form || !revision) {
    return;
  }
  var timer = null;
  var stopped = false;

  function payload() {
    var data = new FormData(form);
    var keep = new FormData();
    data.forEach(function (value, name) {
      if (!(window.File && value instanceof window.File)) {
        keep.append(name, value);
      }
    });
    keep.set("revision", revision.value);
    var token = document.querySelector("input[name=csrf_token]");
    if (token && !keep.has("csrf_token")) {
      keep.append("csrf_token", token.value);
    }
    return keep;
  }

  function save() {
    if (stopped) {
      return;
    }
    window.fetch(status.getAttribute("data-url"), {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: {"X-Autosave": "1", "Accept": "application/json"}
    }).then(function (response) {
      if (response.status === 409) {
        stopped = true;
        status.textContent = status.getAttribute("data-conflict");
        return null;
      }
      return response.ok ? response.json() : Promise.reject(response.status);
    }).then(function (body) {
      if (body) {
        revision.value = body.revision;
        status.textContent = status.getAttribute("data-saved");
      }
    }).catch(function () {
      status.textContent = status.getAttribute("data-failed");
    });
  }

  function later(event) {
    if (event.target && event.target.type === "file") {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 2500);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
}());
