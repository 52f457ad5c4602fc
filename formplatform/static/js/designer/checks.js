/*
 * FPDesignerChecks: the cross-field checks of a form (form settings) and of a grid's rows (the grid's
 * properties), edited without JSON: each check is a name, a bilingual message and a rule built in the
 * guided rule editor (kind "check": two sums compared), plus, for a form check, the fields the message
 * is shown next to. The format is form_definitions/FORMAT.md, "Cross-field checks".
 */
(function () {
  "use strict";

  var P = window.FPDesignerPanel;
  var el = P.el;
  var NAME = /^[a-z][a-z0-9_]{0,63}$/;

  function freeName(checks) {
    var number = checks.length + 1;
    var taken = checks.map(function (c) { return c.name; });
    while (taken.indexOf("check_" + number) >= 0) {
      number += 1;
    }
    return "check_" + number;
  }

  /* Checkboxes: the fields a failing check's message is shown next to (none: above the form). */
  function targets(b, check, choices, legend) {
    var wrap = el("fieldset", {className: "fp-d-types fp-d-check-targets"}, [el("legend", {text: legend})]);
    choices.forEach(function (choice) {
      var id = P.nextId("checkfor");
      var box = el("input", {id: id, type: "checkbox", value: choice.name});
      box.checked = (check.fields || []).indexOf(choice.name) >= 0;
      box.addEventListener("change", function () {
        var picked = (check.fields || []).filter(function (name) { return name !== choice.name; });
        if (box.checked) {
          picked.push(choice.name);
        }
        if (picked.length) {
          check.fields = picked;
        } else {
          delete check.fields;
        }
        b.ctx.committed();
      });
      wrap.appendChild(el("div", {className: "fp-d-row fp-d-row--check"}, [box, el("label", {"for": id, text: choice.label})]));
    });
    b.root.appendChild(wrap);
  }

  /* The list `owner[key]` of checks; `candidates`: what rules may read; `shownNext`: fields to attach
     messages to (null for row checks, whose message goes to the row). */
  function editor(b, owner, key, spec) {
    var msg = b.msg;
    var checks = owner[key] || [];
    b.list(checks, {label: spec.label, help: spec.help, addLabel: msg.add_check},
      function (inner, check, index) {
        inner.text(check, "name", {label: msg.check_name}, function (value) {
          var twice = checks.filter(function (c) { return c.name === value; }).length > 1;
          return NAME.test(value) && !twice ? null : (twice ? msg.name_taken : msg.name_invalid);
        });
        inner.bilingual(check, "message", {label: msg.check_message, required: true}, spec.path + "." + index + ".message");
        inner.rule(check, "rule", {label: msg.check_rule, help: msg.check_rule_help}, "check", spec.candidates);
        if (spec.shownNext) {
          targets(inner, check, spec.shownNext, msg.check_fields);
        }
      },
      function () {
        owner[key] = checks;
        return {name: freeName(checks), rule: true, message: {vi: "", en: ""}};
      }, 0);
    if (checks.length) {
      owner[key] = checks;
    } else {
      delete owner[key];
    }
  }

  window.FPDesignerChecks = {editor: editor};
}());
