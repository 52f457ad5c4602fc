/* The kiosk questionnaire (renderers/kiosk.py: <form id="k-quiz"> with one hidden .k-q per question):
 * shows one question at a time, types each answer by its data-kind, holds back on a required question
 * left unanswered, and moves on by itself when a single answer is tapped. Used by the kiosk screen
 * (kiosk/screen.js) and by the designer's kiosk preview, so the preview behaves as the kiosk does.
 *
 * KioskQuiz.create(form, {isActive, onLeave, onFinish}):
 *   isActive()                 whether the questionnaire is on screen (auto-advance only then);
 *   onLeave()                  "Back" on the first question;
 *   onFinish(answers, button)  "Send" on the last question, once it is answered. */
(function () {
  "use strict";

  function create(form, options) {
    var opts = options || {};
    var questions = Array.prototype.slice.call(form.querySelectorAll(".k-q"));
    var index = 0;
    var lastPointer = 0;

    function show(number) {
      index = Math.max(0, Math.min(number, questions.length - 1));
      questions.forEach(function (question, n) {
        question.hidden = n !== index;
        question.querySelector(".k-q__need").hidden = true;
      });
      window.scrollTo(0, 0);
    }

    function inputsOf(question) {
      return Array.prototype.slice.call(question.querySelectorAll("input, textarea"));
    }

    function valueOf(question) {
      var kind = question.getAttribute("data-kind");
      var inputs = inputsOf(question);
      if (kind === "array") {
        var picked = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
        return picked.length ? picked : null;
      }
      var box = inputs.filter(function (i) { return i.type !== "radio" || i.checked; })[0];
      var text = box ? String(box.value).trim() : "";
      if (text === "") return null;
      if (kind === "boolean") return text === "yes";
      if (kind === "integer") return /^-?\d+$/.test(text) ? parseInt(text, 10) : text;
      if (kind === "number") return isFinite(Number(text.replace(",", "."))) ? Number(text.replace(",", ".")) : text;
      return text;
    }

    function answered(question) {
      return question.getAttribute("data-required") !== "true" || valueOf(question) !== null;
    }

    function answers() {
      var found = {};
      questions.forEach(function (question) {
        var value = valueOf(question);
        if (value !== null) found[question.getAttribute("data-name")] = value;
      });
      return found;
    }

    /* Say "please answer" on the question on screen. */
    function insist() {
      questions[index].querySelector(".k-q__need").hidden = false;
    }

    function next() {
      if (!answered(questions[index])) {
        insist();
        return false;
      }
      if (index < questions.length - 1) show(index + 1);
      return true;
    }

    function back() {
      if (index === 0) {
        if (opts.onLeave) opts.onLeave();
      } else {
        show(index - 1);
      }
    }

    function finish() {
      var question = questions[index];
      if (!answered(question)) {
        insist();
        return;
      }
      if (opts.onFinish) opts.onFinish(answers(), question.querySelector('[data-action="send"]'));
    }

    /* Forget every answer and go back to the first question. */
    function clear() {
      form.reset();
      inputsOf(form).forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = false;
        else input.value = "";
      });
      show(0);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault(); // Enter on an answer means "next"
      if (index === questions.length - 1) finish();
      else next();
    });
    // Enter on a radio or checkbox does not submit a form by itself: make it "next" too (keyboard-only use)
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || !target.matches('input[type="radio"], input[type="checkbox"]')) return;
      event.preventDefault();
      if (index === questions.length - 1) finish();
      else next();
    });
    form.addEventListener("pointerdown", function () { lastPointer = Date.now(); });
    form.addEventListener("change", function (event) {
      var question = event.target.closest(".k-q");
      question.querySelector(".k-q__need").hidden = true;
      // a tapped single answer moves on by itself; arrow keys in a radio group must not
      var tapped = Date.now() - lastPointer < 1500;
      if (event.target.type === "radio" && tapped && questions.indexOf(question) < questions.length - 1) {
        window.setTimeout(function () {
          var active = opts.isActive ? opts.isActive() : true;
          if (active && questions[index] === question) next();
        }, 300);
      }
    });

    return {show: show, next: next, back: back, finish: finish, insist: insist, clear: clear};
  }

  window.KioskQuiz = {create: create};
}());
