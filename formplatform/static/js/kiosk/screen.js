/* The kiosk screen (kiosk/templates/kiosk/screen.html): enter a code (a typed one then asks for the
 * dossier's rating PIN; a scanned QR does not) → the dossier's card → one question per screen → thanks
 * → back to the start. Every reset REMOVES what a citizen left (the
 * code, the card, the answers, messages) from the page, so nothing personal stays in the DOM. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("k-data").textContent);
  var W = data.words;
  var loadedAt = Date.now();
  var codeBox = byId("k-code");
  var lookupForm = byId("k-lookup");
  var lookupButton = byId("k-look-up");
  var lookupError = byId("k-lookup-error");
  var pinForm = byId("k-pin-form");
  var pinBox = byId("k-pin");
  var pinButton = byId("k-pin-send");
  var pinError = byId("k-pin-error");
  var typedCode = null; // the code waiting for its PIN
  var card = byId("k-card");
  var statusNote = byId("k-status-note");
  var rateButton = byId("k-rate");
  var quiz = byId("k-quiz");
  var thanksNote = byId("k-thanks-note");
  var current = "welcome";
  var ticket = null; // the rating token of the dossier on screen
  var lastTouch = Date.now();
  var thanksTimer = null;
  var unpaired = false;

  function byId(id) {
    return document.getElementById(id);
  }

  /* Fill an element with one span per language, as text (never HTML). */
  function bilingual(element, texts) {
    element.replaceChildren();
    ["vi", "en"].forEach(function (lang) {
      var span = document.createElement("span");
      span.lang = lang;
      span.textContent = (texts && (texts[lang] || texts[lang === "vi" ? "en" : "vi"])) || "";
      element.appendChild(span);
    });
    return element;
  }

  function showStep(step) {
    current = step;
    document.querySelectorAll(".k-step").forEach(function (section) {
      section.hidden = section.getAttribute("data-step") !== step;
    });
    window.scrollTo(0, 0);
    lastTouch = Date.now();
    if (step === "welcome") codeBox.focus();
    if (step === "pin") pinBox.focus();
  }

  function showError(texts) {
    bilingual(lookupError, texts).hidden = false;
    codeBox.setAttribute("aria-invalid", "true");
  }

  function clearError() {
    lookupError.replaceChildren();
    lookupError.hidden = true;
    codeBox.removeAttribute("aria-invalid");
  }

  function showPinError(texts) {
    bilingual(pinError, texts).hidden = false;
    pinBox.setAttribute("aria-invalid", "true");
  }

  function clearPinError() {
    pinError.replaceChildren();
    pinError.hidden = true;
    pinBox.removeAttribute("aria-invalid");
  }

  function send(url, body, timeoutMs) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, timeoutMs || 8000);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Kiosk": "1" },
      body: JSON.stringify(body),
      signal: controller.signal,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (payload) {
        return { status: response.status, payload: payload };
      });
    }).finally(function () { window.clearTimeout(timer); });
  }

  /* ---- code entry and the dossier card ---- */

  function row(list, label, value) {
    if (!value || (typeof value === "object" && !value.vi && !value.en)) return;
    var term = bilingual(document.createElement("dt"), W[label]);
    var detail = document.createElement("dd");
    if (typeof value === "object") bilingual(detail, value);
    else detail.textContent = value;
    list.appendChild(term);
    list.appendChild(detail);
    return detail;
  }

  function showCard(answer) {
    var dossier = answer.dossier;
    var list = document.createElement("dl");
    row(list, "code_label", dossier.code);
    row(list, "procedure", dossier.procedure);
    row(list, "agency", dossier.agency);
    row(list, "applicant", dossier.applicant);
    row(list, "received", dossier.received);
    row(list, "due", dossier.due);
    row(list, "finished", dossier.finished);
    var status = row(list, "status", data.statuses[dossier.status] || { vi: dossier.status, en: dossier.status });
    if (status) status.className = "k-card__status";
    card.replaceChildren(list);
    ticket = answer.token || null;
    rateButton.hidden = !ticket;
    if (answer.message) bilingual(statusNote, answer.message).hidden = false;
    else statusNote.hidden = true;
    codeBox.value = "";
    pinBox.value = "";
    typedCode = null;
    showStep("status");
  }

  function errorOf(answer) {
    return (answer.payload || {}).error || {};
  }

  lookupForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeBox.value.trim();
    if (!code || lookupButton.disabled) return;
    lookupButton.disabled = true;
    clearError();
    send(data.lookup, { code: code }).then(function (answer) {
      if (answer.status === 200) showCard(answer.payload);
      else if (answer.status === 401) window.location.assign(data.pair);
      else if (errorOf(answer).code === "rating_pin_required") {
        typedCode = code;
        clearPinError();
        showStep("pin");
      } else showError(errorOf(answer).message || W.network);
    }, function () {
      showError(W.network);
    }).finally(function () {
      lookupButton.disabled = false;
      window.KioskOutbox.flush();
    });
  });
  codeBox.addEventListener("input", clearError);

  pinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var pin = pinBox.value.trim();
    if (!pin || !typedCode || pinButton.disabled) return;
    pinButton.disabled = true;
    clearPinError();
    send(data.lookup, { code: typedCode, pin: pin }).then(function (answer) {
      if (answer.status === 200) showCard(answer.payload);
      else if (answer.status === 401) window.location.assign(data.pair);
      else {
        pinBox.value = "";
        showPinError(errorOf(answer).message || W.network);
      }
    }, function () {
      showPinError(W.network);
    }).finally(function () {
      pinButton.disabled = false;
    });
  });
  pinBox.addEventListener("input", clearPinError);

  /* ---- the questionnaire (kiosk/quiz.js) ---- */

  var questionnaire = window.KioskQuiz.create(quiz, {
    isActive: function () { return current === "quiz"; },
    onLeave: function () { showStep("status"); },
    onFinish: submitRating
  });

  function submitRating(answers, button) {
    if (!ticket) {
      questionnaire.insist();
      return;
    }
    if (button.disabled) return;
    button.disabled = true;
    var entry = { id: window.KioskOutbox.newId(), token: ticket, answers: answers, locale: window.Kiosk.lang(), at: Date.now() };
    window.KioskOutbox.add(entry); // kept before sending: a network drop now loses nothing
    window.KioskOutbox.deliver(entry, 8000).then(function (result) {
      button.disabled = false;
      if (result.outcome === "pending" || result.outcome === "unpaired") bilingual(thanksNote, W.saved_offline).hidden = false;
      else if (result.outcome === "refused" && result.error) bilingual(thanksNote, result.error.message).hidden = false;
      unpaired = result.outcome === "unpaired";
      forgetCitizen();
      showStep("thanks");
      thanksTimer = window.setTimeout(reset, data.thanks * 1000);
    });
  }

  /* ---- reset: nothing personal stays in the page ---- */

  function forgetCitizen() {
    ticket = null;
    typedCode = null;
    codeBox.value = "";
    pinBox.value = "";
    clearError();
    clearPinError();
    card.replaceChildren();
    statusNote.replaceChildren();
    statusNote.hidden = true;
    questionnaire.clear();
  }

  function reset() {
    window.clearTimeout(thanksTimer);
    forgetCitizen();
    thanksNote.replaceChildren();
    thanksNote.hidden = true;
    window.Kiosk.setLang("vi");
    if (unpaired) {
      window.location.assign(data.pair);
      return;
    }
    showStep("welcome");
    window.KioskOutbox.flush();
    // pick up a new questionnaire version now and then, at a moment when nobody is using the screen
    if (Date.now() - loadedAt > 6 * 3600 * 1000 && navigator.onLine && !window.KioskOutbox.read().length) {
      window.location.reload();
    }
  }

  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-action]");
    if (!action) return;
    var what = action.getAttribute("data-action");
    if (what === "reset") reset();
    else if (what === "rate" && ticket) {
      questionnaire.show(0);
      showStep("quiz");
    } else if (what === "next") questionnaire.next();
    else if (what === "back") questionnaire.back();
    else if (what === "send") questionnaire.finish();
  });

  /* ---- idle time ---- */

  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (type) {
    document.addEventListener(type, function () { lastTouch = Date.now(); }, { capture: true, passive: true });
  });
  // a scanner used on the card or thanks screen starts over for the next citizen
  document.addEventListener("keydown", function (event) {
    var printable = event.key && event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (printable && (current === "status" || current === "thanks")) reset();
  }, { capture: true });

  window.setInterval(function () {
    var busy = current !== "welcome" || codeBox.value !== "" || !lookupError.hidden;
    if (busy && current !== "thanks" && Date.now() - lastTouch >= data.idle * 1000) reset();
  }, 500);

  window.KioskOutbox.init(data.rate, 20);
  questionnaire.show(0);
  showStep("welcome");
})();
