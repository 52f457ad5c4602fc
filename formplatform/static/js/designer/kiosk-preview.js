/* The designer's kiosk preview (designer/preview_kiosk.html): the kiosk's own questionnaire script,
 * with "Send" ending on a closing screen instead of sending anything. */
(function () {
  "use strict";

  var form = document.getElementById("k-quiz");
  if (!form) return;
  var quizStep = document.getElementById("k-quiz-step");
  var thanks = document.getElementById("k-thanks");

  function showThanks(done) {
    quizStep.hidden = done;
    thanks.hidden = !done;
  }

  var quiz = window.KioskQuiz.create(form, {
    isActive: function () { return !quizStep.hidden; },
    onFinish: function () { showThanks(true); }
  });

  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-action]");
    if (!action) return;
    var what = action.getAttribute("data-action");
    if (what === "next") quiz.next();
    else if (what === "back") quiz.back();
    else if (what === "send") quiz.finish();
    else if (what === "restart") {
      quiz.clear();
      showThanks(false);
    }
  });

  quiz.show(0);
}());
