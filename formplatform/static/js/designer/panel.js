/*
 * The designer's property panel: edits one field (or the form's settings) in place.
 * Controls are generated from the palette the server derives from the field-type registry, so every
 * option of every type has an input, a label and an explanation. Vietnamese and English sit side by side.
 *
 * ctx: {definition, field, palette, messages, ruleMessages, locale, missing (set of "path|lang"),
 *       edited(), committed(), refresh(), renamed(count)}
 *   edited()    — the model changed (typing): save soon, redraw the outline's labels
 *   committed() — a finished edit: also an undo step
 *   refresh()   — structure changed: redraw the panel and the outline
 */
(function () {
  "use strict";

  var M = window.FPDesignerModel;
  var uid = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else if (key === "className") {
        node.className = attrs[key];
      } else if (attrs[key] !== undefined && attrs[key] !== null && attrs[key] !== false) {
        node.setAttribute(key, attrs[key] === true ? "" : attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function nextId(stem) {
    uid += 1;
    return "fp-d-" + stem + "-" + uid;
  }

  function Builder(ctx, root) {
    this.ctx = ctx;
    this.root = root;
    this.msg = ctx.messages;
  }

  Builder.prototype.row = function (label, help, control, id) {
    var helpId = help ? nextId("help") : null;
    if (helpId && control.setAttribute && !control.hasAttribute("aria-describedby")) {
      control.setAttribute("aria-describedby", helpId);
    }
    var row = el("div", {className: "fp-d-row"}, [
      el("label", {"for": id, text: label, className: "fp-d-row__label"}),
      control,
      help ? el("p", {className: "fp-d-row__help", id: helpId, text: help}) : null
    ]);
    this.root.appendChild(row);
    return row;
  };

  Builder.prototype.heading = function (text) {
    this.root.appendChild(el("h3", {className: "fp-d-panel__heading", text: text}));
  };

  /* Vietnamese and English inputs side by side; an optional text left empty in both is removed. */
  Builder.prototype.bilingual = function (target, key, spec, path) {
    var self = this;
    var wrap = el("fieldset", {className: "fp-d-bilingual"});
    wrap.appendChild(el("legend", {text: spec.label}));
    if (spec.help) {
      wrap.appendChild(el("p", {className: "fp-d-row__help", text: spec.help}));
    }
    var pair = el("div", {className: "fp-d-bilingual__pair"});
    M.LANGS.forEach(function (lang) {
      var id = nextId(key + "-" + lang);
      var value = (target[key] || {})[lang] || "";
      var input = el(spec.long ? "textarea" : "input", {
        id: id, lang: lang, "data-path": path + "|" + lang, rows: spec.long ? 3 : null, type: spec.long ? null : "text"
      });
      input.value = value;
      function mark() {
        var present = target[key] !== undefined;
        input.classList.toggle("is-missing", present && !String(input.value).trim());
      }
      input.addEventListener("input", function () {
        var texts = target[key] || {vi: "", en: ""};
        texts[lang] = input.value;
        target[key] = texts;
        if (!spec.required && !String(texts.vi || "").trim() && !String(texts.en || "").trim()) {
          delete target[key];
        }
        wrap.querySelectorAll("input, textarea").forEach(function (other) { other.dispatchEvent(new Event("fp-mark")); });
        self.ctx.edited();
      });
      input.addEventListener("fp-mark", mark);
      input.addEventListener("change", function () { self.ctx.committed(); });
      mark();
      pair.appendChild(el("div", {className: "fp-d-bilingual__lang"}, [
        el("label", {"for": id, text: lang === "vi" ? self.msg.vietnamese : self.msg.english}),
        input
      ]));
    });
    wrap.appendChild(pair);
    this.root.appendChild(wrap);
  };

  Builder.prototype.number = function (target, key, spec, integer) {
    var self = this;
    var id = nextId(key);
    var input = el("input", {id: id, type: "number", step: integer ? "1" : "any", inputmode: "decimal",
      min: spec.minimum, max: spec.maximum, className: "fp-d-short"});
    var scale = spec.kind === "megabytes" ? 1024 * 1024 : 1;
    if (target[key] !== undefined) {
      input.value = String(Math.round((target[key] / scale) * 1000) / 1000);
    }
    var error = el("p", {className: "fp-d-error", role: "alert", hidden: true, text: this.msg.number_invalid});
    input.addEventListener("input", function () {
      var raw = input.value.trim();
      var value = raw === "" ? undefined : Number(raw);
      var bad = raw !== "" && (!isFinite(value) || (integer && Math.floor(value) !== value && scale === 1));
      error.hidden = !bad;
      if (bad) {
        return;
      }
      if (value === undefined) {
        delete target[key];
      } else {
        target[key] = scale === 1 ? value : Math.round(value * scale);
      }
      self.ctx.edited();
    });
    input.addEventListener("change", function () { self.ctx.committed(); });
    this.row(spec.label, spec.help, input, id).appendChild(error);
  };

  Builder.prototype.checkbox = function (target, key, spec) {
    var self = this;
    var id = nextId(key);
    var input = el("input", {id: id, type: "checkbox"});
    input.checked = Boolean(target[key]);
    input.addEventListener("change", function () {
      if (input.checked) {
        target[key] = true;
      } else {
        delete target[key];
      }
      self.ctx.committed();
      if (spec.refresh) {
        self.ctx.refresh();
      }
    });
    var row = el("div", {className: "fp-d-row fp-d-row--check"}, [
      input, el("label", {"for": id, text: spec.label}),
      spec.help ? el("p", {className: "fp-d-row__help", text: spec.help}) : null
    ]);
    this.root.appendChild(row);
  };

  Builder.prototype.select = function (target, key, spec, choices, fallback) {
    var self = this;
    var id = nextId(key);
    var select = el("select", {id: id});
    choices.forEach(function (choice) {
      var option = el("option", {value: choice.value, text: choice.label});
      option.selected = (target[key] === undefined ? fallback : target[key]) === choice.value;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      if (select.value === fallback) {
        delete target[key];
      } else {
        target[key] = select.value;
      }
      self.ctx.committed();
    });
    this.row(spec.label, spec.help, select, id);
  };

  Builder.prototype.text = function (target, key, spec, check) {
    var self = this;
    var id = nextId(key);
    var input = el("input", {id: id, type: "text", spellcheck: "false", value: target[key] || ""});
    var error = el("p", {className: "fp-d-error", role: "alert", hidden: true});
    input.addEventListener("input", function () {
      var value = input.value.trim();
      var problem = check ? check(value) : null;
      error.hidden = !problem;
      error.textContent = problem || "";
      input.setAttribute("aria-invalid", problem ? "true" : "false");
      if (problem) {
        return;
      }
      if (value) {
        target[key] = value;
      } else {
        delete target[key];
      }
      self.ctx.edited();
    });
    input.addEventListener("change", function () { self.ctx.committed(); });
    this.row(spec.label, spec.help, input, id).appendChild(error);
    return input;
  };

  Builder.prototype.name = function (field, spec) {
    var self = this;
    var ctx = this.ctx;
    var container = M.enclosingGroup(ctx.definition, field);
    var id = nextId("name");
    var input = el("input", {id: id, type: "text", spellcheck: "false", value: field.name || "", autocomplete: "off"});
    var error = el("p", {className: "fp-d-error", role: "alert", hidden: true});
    input.addEventListener("change", function () {
      var value = input.value.trim();
      var problem = !M.NAME.test(value) ? self.msg.name_invalid
        : (M.nameTaken(ctx.definition, value, field, container) ? self.msg.name_taken : null);
      error.hidden = !problem;
      error.textContent = problem || "";
      input.setAttribute("aria-invalid", problem ? "true" : "false");
      if (problem || value === field.name) {
        return;
      }
      ctx.renamed(M.rename(ctx.definition, field, value));
      ctx.committed();
    });
    this.row(spec.label, spec.help, input, id).appendChild(error);
  };

  /* A JSON Logic rule through the guided rule editor (a JSON box when it is not loaded). */
  Builder.prototype.rule = function (field, key, spec, kind, candidates) {
    var ctx = this.ctx;
    var host = el("div", {className: "fp-d-rule"});
    var wrap = el("fieldset", {className: "fp-d-rulebox"}, [
      el("legend", {text: spec.label}), el("p", {className: "fp-d-row__help", text: spec.help}), host
    ]);
    this.root.appendChild(wrap);
    var initial = field[key] === undefined ? null : field[key];
    function changed(value) {
      if (JSON.stringify(value === undefined ? null : value) === JSON.stringify(field[key] === undefined ? null : field[key])) {
        return;
      }
      if ((value === null || value === undefined) && kind === "formula") {
        value = M.placeholderFormula(); // a calculation is required: "none chosen" is the constant 0
      }
      if ((value === null || value === undefined) && kind === "check") {
        value = true; // a check needs a rule: one not built yet always holds
      }
      if (value === null || value === undefined) {
        delete field[key];
      } else {
        field[key] = value;
      }
      ctx.committed();
    }
    if (window.FPRuleEditor) {
      window.FPRuleEditor.create(host, {
        kind: kind, fields: candidates, value: initial, messages: ctx.ruleMessages,
        idPrefix: nextId("re-" + key), onChange: changed, purpose: kind === "condition" ? key : kind
      });
      return;
    }
    var box = el("textarea", {rows: 3, className: "fp-code", spellcheck: "false", "aria-label": spec.label});
    box.value = initial === null ? "" : JSON.stringify(initial);
    box.addEventListener("change", function () {
      try {
        changed(box.value.trim() ? JSON.parse(box.value) : null);
        box.removeAttribute("aria-invalid");
      } catch (error) {
        box.setAttribute("aria-invalid", "true");
      }
    });
    host.appendChild(box);
  };

  /* An editable list (options, rows, columns, bands): each item a small card with move/remove buttons. */
  Builder.prototype.list = function (items, spec, renderItem, makeItem, minimum) {
    var self = this;
    var wrap = el("fieldset", {className: "fp-d-list"}, [el("legend", {text: spec.label})]);
    if (spec.help) {
      wrap.appendChild(el("p", {className: "fp-d-row__help", text: spec.help}));
    }
    items.forEach(function (item, index) {
      var card = el("div", {className: "fp-d-item"});
      var tools = el("div", {className: "fp-d-item__tools"});
      [["↑", self.msg.move_up, -1], ["↓", self.msg.move_down, 1]].forEach(function (move) {
        var target = index + move[2];
        var button = el("button", {type: "button", className: "fp-d-icon", title: move[1], "aria-label": move[1], text: move[0],
          disabled: target < 0 || target >= items.length});
        button.addEventListener("click", function () {
          items.splice(target, 0, items.splice(index, 1)[0]);
          self.ctx.committed();
          self.ctx.refresh();
        });
        tools.appendChild(button);
      });
      var remove = el("button", {type: "button", className: "fp-d-icon fp-d-icon--danger", title: self.msg.remove,
        "aria-label": self.msg.remove, text: "×", disabled: items.length <= (minimum || 0)});
      remove.addEventListener("click", function () {
        items.splice(index, 1);
        self.ctx.committed();
        self.ctx.refresh();
      });
      tools.appendChild(remove);
      card.appendChild(tools);
      var inner = new Builder(self.ctx, card);
      renderItem(inner, item, index);
      wrap.appendChild(card);
    });
    var add = el("button", {type: "button", className: "fp-button fp-d-add", text: spec.addLabel});
    add.addEventListener("click", function () {
      items.push(makeItem(items.length + 1));
      self.ctx.committed();
      self.ctx.refresh();
    });
    wrap.appendChild(add);
    this.root.appendChild(wrap);
  };

  window.FPDesignerPanel = {Builder: Builder, el: el, nextId: nextId};
}());
