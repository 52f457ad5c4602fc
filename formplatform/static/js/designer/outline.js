/*
 * The outline of a form's fields: select, drag and drop (SortableJS), move with the keyboard,
 * duplicate and remove. After any drop the model is rebuilt from the DOM order, so what the user
 * sees is exactly what is saved.
 *
 * ctx: {definition, selected, palette, messages, locale, flagged (path -> "missing"|"problem"),
 *       select(field), remove(field), duplicate(field), move(field, delta), rebuilt()}
 */
(function () {
  "use strict";

  var M = window.FPDesignerModel;
  var el = window.FPDesignerPanel.el;
  var NOT_IN_GROUP = ["section", "group", "grid"];

  function own(flagged, path) {
    var state = null;
    Object.keys(flagged).forEach(function (flagPath) {
      if (flagPath.indexOf(path + ".") === 0 && flagPath.slice(path.length + 1).indexOf("fields.") !== 0) {
        state = state === "problem" ? state : flagged[flagPath];
      }
    });
    return state;
  }

  function Outline(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.byUid = {};
    this.sortables = [];
  }

  Outline.prototype.destroy = function () {
    this.sortables.forEach(function (s) { s.destroy(); });
    this.sortables = [];
  };

  Outline.prototype.render = function () {
    this.destroy();
    this.byUid = {};
    this.uid = 0;
    this.root.textContent = "";
    var list = this.list(this.ctx.definition.fields, "fields", null);
    this.root.appendChild(list);
    if (!this.ctx.definition.fields.length) {
      this.root.appendChild(el("p", {className: "fp-empty fp-d-empty", text: this.ctx.messages.empty_form}));
    }
  };

  Outline.prototype.list = function (fields, path, container) {
    var self = this;
    var ul = el("ul", {className: "fp-d-tree", "data-kind": container ? container.type : "root"});
    fields.forEach(function (field, index) {
      ul.appendChild(self.node(field, path + "." + index, fields, index));
    });
    if (container && !fields.length) {
      ul.setAttribute("data-empty", this.ctx.messages.empty_container);
    }
    this.sortables.push(window.Sortable.create(ul, {
      group: {name: "fp-fields", pull: true, put: function (to, from, dragged) {
        return !(to.el.getAttribute("data-kind") === "group" && NOT_IN_GROUP.indexOf(dragged.getAttribute("data-ftype")) >= 0);
      }},
      handle: ".fp-d-handle",
      animation: 150,
      fallbackOnBody: true,
      swapThreshold: 0.65,
      emptyInsertThreshold: 24,
      onAdd: function () { self.rebuild(); },
      onUpdate: function () { self.rebuild(); },
      onRemove: function () { self.rebuild(); }
    }));
    return ul;
  };

  Outline.prototype.node = function (field, path, siblings, index) {
    var ctx = this.ctx;
    var msg = ctx.messages;
    this.uid += 1;
    this.byUid[this.uid] = field;
    var spec = window.FPDesignerProperties.typeSpec(ctx.palette, field.type) || {label: field.type, group: "basic"};
    var label = M.text(field.label || field.content, ctx.locale);
    var flag = own(ctx.flagged, path);
    var li = el("li", {className: "fp-d-node" + (field === ctx.selected ? " is-selected" : "") + (flag ? " is-" + flag : ""),
      "data-uid": this.uid, "data-ftype": field.type, "data-path": path});
    var select = el("button", {type: "button", className: "fp-d-node__main", "aria-pressed": field === ctx.selected ? "true" : "false"}, [
      el("span", {className: "fp-d-badge fp-d-badge--" + spec.group, text: spec.label}),
      el("span", {className: "fp-d-node__label" + (label ? "" : " fp-muted"), text: label || msg.no_label}),
      field.name ? el("code", {className: "fp-d-node__name", text: field.name}) : null,
      field.required ? el("span", {className: "fp-d-mark", text: "* " + msg.required_marker}) : null,
      field.visible_if || field.required_if ? el("span", {className: "fp-d-mark fp-d-mark--rule", text: msg.rule_marker}) : null,
      field.fill_by === "reviewer" ? el("span", {className: "fp-d-mark", text: msg.reviewer_marker}) : null,
      flag === "missing" ? el("span", {className: "fp-d-mark fp-d-mark--warn", text: msg.missing_marker}) : null
    ]);
    select.addEventListener("click", function () { ctx.select(field); });
    var tools = el("span", {className: "fp-d-node__tools"});
    tools.appendChild(el("span", {className: "fp-d-handle", title: msg.drag, "aria-hidden": "true", text: "⠿"}));
    [["↑", msg.move_up, -1, index === 0], ["↓", msg.move_down, 1, index === siblings.length - 1]].forEach(function (move) {
      var button = el("button", {type: "button", className: "fp-d-icon", title: move[1], "aria-label": move[1] + ": " + (label || field.name || ""),
        text: move[0], disabled: move[3]});
      button.addEventListener("click", function () { ctx.move(field, move[2]); });
      tools.appendChild(button);
    });
    var copy = el("button", {type: "button", className: "fp-d-icon", title: msg.duplicate, "aria-label": msg.duplicate + ": " + (label || field.name || "")}, [el("span", {className: "fp-d-copy-glyph", "aria-hidden": "true"})]);
    copy.addEventListener("click", function () { ctx.duplicate(field); });
    var remove = el("button", {type: "button", className: "fp-d-icon fp-d-icon--danger", title: msg.remove, "aria-label": msg.remove + ": " + (label || field.name || ""), text: "×"});
    remove.addEventListener("click", function () { ctx.remove(field); });
    tools.appendChild(copy);
    tools.appendChild(remove);
    li.appendChild(el("div", {className: "fp-d-node__row"}, [select, tools]));
    if (Array.isArray(field.fields) && (field.type === "section" || field.type === "group")) {
      li.appendChild(this.list(field.fields, path + ".fields", field));
    }
    return li;
  };

  /* Read the order back from the DOM; palette items dropped in become new fields. */
  Outline.prototype.read = function (ul, container) {
    var self = this;
    var fields = [];
    Array.prototype.forEach.call(ul.children, function (li) {
      var type = li.getAttribute("data-new-type");
      var field = type ? M.newField(type, self.ctx.definition, container, self.ctx.messages) : self.byUid[li.getAttribute("data-uid")];
      if (!field) {
        return;
      }
      if (type) {
        self.added = field;
      }
      var nested = li.querySelector(":scope > ul.fp-d-tree");
      if (nested) {
        field.fields = self.read(nested, field.type === "group" ? field : container);
      }
      fields.push(field);
    });
    return fields;
  };

  Outline.prototype.rebuild = function () {
    var self = this;
    if (this.pending) {
      return;
    }
    this.pending = true;
    // Sortable fires onRemove and onAdd for one drop: rebuild once, after both.
    window.setTimeout(function () {
      self.pending = false;
      self.added = null;
      self.ctx.definition.fields = self.read(self.root.querySelector("ul.fp-d-tree"), null);
      self.ctx.rebuilt(self.added);
    }, 0);
  };

  window.FPDesignerOutline = Outline;
}());
