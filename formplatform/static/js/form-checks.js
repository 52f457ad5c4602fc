/*
 * FPFormChecks: cross-field checks of a form while it is filled, the browser twin of
 * form_definitions/crosschecks.py. form.js calls FPFormChecks.show(state, values) after every refresh,
 * with the answers as the server will read them (hidden fields are not in them).
 *
 * A check whose variables (without a default) are hidden or empty is skipped, as on the server. A
 * failing form check puts its message in the box of every field it names (or above the fields when it
 * names none); a failing row check puts it in the row's heading. Each message is tied to the controls
 * by aria-describedby and marks them aria-invalid; a passing check removes both again.
 */
(function (root) {
  "use strict";

  var R = root.FPRules;
  var SCOPED = ["reduce", "map", "filter", "all", "some", "none"];
  var MARK = "data-fp-check-invalid";

  /* (path, has default) of every var that reads the data, as var_paths() on the server. */
  function varPaths(rule, found) {
    found = found || [];
    if (Array.isArray(rule)) {
      rule.forEach(function (item) { varPaths(item, found); });
    } else if (rule !== null && typeof rule === "object") {
      Object.keys(rule).forEach(function (op) {
        var args = rule[op];
        var items = Array.isArray(args) ? args : [args];
        if (op === "var") {
          if (typeof items[0] === "string" && items[0]) {
            found.push([items[0], items.length > 1]);
          }
        } else if (SCOPED.indexOf(op) >= 0) {
          varPaths(op === "reduce" ? items.slice(0, 1).concat(items.slice(2)) : items.slice(0, 1), found);
        } else {
          varPaths(args, found);
        }
      });
    }
    return found;
  }

  function lookup(scope, path) {
    var value = scope;
    var parts = path.split(".");
    for (var i = 0; i < parts.length; i += 1) {
      if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, parts[i])) {
        return null;
      }
      value = value[parts[i]];
    }
    return value;
  }

  function applies(rule, scope) {
    return varPaths(rule).every(function (pair) {
      var value = pair[1] ? 0 : lookup(scope, pair[0]);
      return value !== null && value !== undefined && value !== "";
    });
  }

  function fails(check, scope) {
    return Boolean(check && check.rule !== undefined) && applies(check.rule, scope) && !R.holds(check.rule, scope);
  }

  function messageOf(check, locale) {
    var message = check.message || {};
    var other = locale === "vi" ? "en" : "vi";
    return String(message[locale] || message[other] || "");
  }

  function describe(el, id, on) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    var at = ids.indexOf(id);
    if (on && at < 0) {
      ids.push(id);
    } else if (!on && at >= 0) {
      ids.splice(at, 1);
    }
    if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); } else { el.removeAttribute("aria-describedby"); }
    var marks = (el.getAttribute(MARK) || "").split(" ").filter(Boolean);
    var marked = marks.indexOf(id);
    if (on && marked < 0) {
      marks.push(id);
    } else if (!on && marked >= 0) {
      marks.splice(marked, 1);
    }
    if (marks.length) {
      el.setAttribute(MARK, marks.join(" "));
      el.setAttribute("aria-invalid", "true");
    } else if (el.hasAttribute(MARK)) {
      el.removeAttribute(MARK);
      el.removeAttribute("aria-invalid");
    }
  }

  /* The message element `id` inside `holder` (created or removed), tied to `controls`. */
  function place(holder, id, text, controls, tag) {
    var failing = Boolean(text);
    var el = document.getElementById(id);
    if (text && holder && renderedAlready(holder, text)) {
      text = ""; // the server's own message for this check is on the page already, tied to the field
    }
    if (text && holder) {
      if (!el) {
        el = document.createElement(tag);
        el.id = id;
        el.className = "fp-error error fp-check";
        holder.appendChild(el);
      }
      if (el.textContent !== text) {
        el.textContent = text;
      }
    } else if (el) {
      el.parentNode.removeChild(el);
    }
    controls.forEach(function (control) { describe(control, id, Boolean(text && holder)); });
    if (!text && holder && !failing) {
      dropStale(holder, id, controls);
    }
  }

  function renderedAlready(holder, text) {
    return Array.prototype.some.call(holder.querySelectorAll(".fp-error__message"), function (el) {
      return el.textContent === text;
    });
  }

  /* A message the server rendered for a check that now holds is stale: the figures were corrected. */
  function dropStale(holder, id, controls) {
    var last = holder.getAttribute("data-fp-check-text-" + id);
    Array.prototype.forEach.call(holder.querySelectorAll(".fp-error__message"), function (el) {
      var box = el.parentNode;
      if (!last || el.textContent !== last) {
        return;
      }
      box.removeChild(el);
      if (!box.querySelector(".fp-error__message") && box.id) { // the server's error paragraph is now empty
        box.parentNode.removeChild(box);
        controls.forEach(function (control) {
          describe(control, box.id, false);
          if (!control.hasAttribute(MARK)) {
            control.removeAttribute("aria-invalid");
          }
        });
      }
    });
  }

  function fieldControls(state, box, path) {
    var controls = (state.byName[path] || []).slice();
    var fieldset = box && box.querySelector("fieldset");
    return fieldset ? controls.concat([fieldset]) : controls;
  }

  /* Messages of checks tied to no field go in a polite live region above the fields. */
  function formHolder(state) {
    var holder = state.form.querySelector("[data-fp-form-checks]");
    var fields = state.form.querySelector(".fp-fields");
    if (!holder && fields) {
      holder = document.createElement("div");
      holder.setAttribute("data-fp-form-checks", "");
      holder.setAttribute("aria-live", "polite");
      fields.parentNode.insertBefore(holder, fields);
    }
    return holder;
  }

  function showFormCheck(state, check, values, locale) {
    var text = fails(check, values) ? messageOf(check, locale) : "";
    var targets = (check.fields || []).filter(function (name) { return typeof name === "string"; });
    if (!targets.length) {
      place(formHolder(state), "fp-check-" + check.name, text, [], "p");
      return;
    }
    targets.forEach(function (name) {
      var box = state.box(name);
      var id = "f-" + name + "-check-" + check.name;
      if (box) {
        box.setAttribute("data-fp-check-text-" + id, messageOf(check, locale));
      }
      place(box, id, text, fieldControls(state, box, name), "p");
    });
  }

  function showRowChecks(state, spec, values, locale) {
    state.rowPaths(spec, spec.name).forEach(function (rowPath) {
      var row = state.rows[rowPath] || {};
      var rowBox = state.box(rowPath);
      var head = rowBox && rowBox.querySelector("th");
      var controls = [];
      (spec.columns || []).forEach(function (c) {
        controls = controls.concat(state.byName[rowPath + "." + c.name] || []);
      });
      var scope = Object.assign({}, values, row);
      spec.row_checks.forEach(function (check) {
        var text = fails(check, scope) ? messageOf(check, locale) : "";
        place(head, "f-" + rowPath + "-check-" + check.name, text, controls, "span");
      });
    });
  }

  function gridsWithChecks(fields, found) {
    (fields || []).forEach(function (spec) {
      if (spec.type === "section") {
        gridsWithChecks(spec.fields, found);
      } else if (spec.type === "grid" && Array.isArray(spec.row_checks) && spec.row_checks.length) {
        found.push(spec);
      }
    });
    return found;
  }

  function show(state, values) {
    var locale = state.locale;
    (state.checks || []).forEach(function (check) { showFormCheck(state, check, values, locale); });
    gridsWithChecks(state.fields, []).forEach(function (spec) {
      var visible = state.box(spec.name);
      if (visible && !visible.hidden) {
        showRowChecks(state, spec, values, locale);
      }
    });
  }

  root.FPFormChecks = {show: show, applies: applies, fails: fails};
})(window);
