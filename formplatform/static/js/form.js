/*
 * Live behaviour of a form rendered by renderers.render_form (fill mode); needs rules.js first.
 *
 * Reads the definition from <script type="application/json" id="fp-definition">, then on every change:
 * collects the answers exactly as form_definitions/formdata.py reads the posted form, computes
 * calculated fields, grid columns and totals as form_definitions/answers.py does, shows or hides
 * fields by `visible_if` (hidden inputs are disabled so they are not posted) and toggles
 * `required_if` markers. Adds, removes and renumbers rows of repeatable groups and addable grids.
 * No inline script or style is used anywhere (the site's CSP forbids both).
 */
(function () {
  "use strict";

  var R = window.FPRules;
  var INTEGER = /^[+-]?\d+$/;
  var DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var CONTROLS = "input, select, textarea";
  var RENUMBERED = ["name", "id", "for", "aria-describedby", "aria-labelledby", "data-fp-key", "data-fp-for", "href"];
  var NUMERIC_COLUMNS = ["integer", "decimal", "calculated"];
  var FORMATTERS = {}; // Intl.NumberFormat objects are costly to build: one per number of decimals

  function join(prefix, name) {
    return prefix ? prefix + "." + name : String(name);
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
  }

  function assign(target) {
    for (var i = 1; i < arguments.length; i += 1) {
      var source = arguments[i] || {};
      Object.keys(source).forEach(function (key) { target[key] = source[key]; });
    }
    return target;
  }

  /* Sections are presentation only: their children sit at the level of the section. */
  function dataFields(specs) {
    var found = [];
    (specs || []).forEach(function (spec) {
      if (spec.type === "section") {
        found = found.concat(dataFields(spec.fields));
      } else if (spec.type !== "static") {
        found.push(spec);
      }
    });
    return found;
  }

  function FormState(form, definition) {
    this.form = form;
    this.fields = definition.fields || [];
    this.checks = definition.checks || [];
    this.locale = form.getAttribute("data-locale") || "vi";
    this.rowLabel = form.getAttribute("data-fp-row-label") || "%(number)s";
    this.byKey = {};
    this.byName = {};
    this.rows = {};             // row path -> the row object read from the page (shared with the answers)
    this.rowTotals = new Map(); // grid row object -> its row total
    this.gridTotals = new Map(); // grid value -> {column name: total}
  }

  /* Boxes by data-fp-key and controls by name, rebuilt when rows are added or removed. */
  FormState.prototype.index = function () {
    var byKey = {};
    var byName = {};
    Array.prototype.forEach.call(this.form.querySelectorAll("[data-fp-key]"), function (el) {
      byKey[el.getAttribute("data-fp-key")] = el;
    });
    Array.prototype.forEach.call(this.form.querySelectorAll(CONTROLS), function (el) {
      if (el.name) {
        (byName[el.name] = byName[el.name] || []).push(el);
      }
    });
    this.byKey = byKey;
    this.byName = byName;
  };

  FormState.prototype.box = function (key) {
    return this.byKey[key] || null;
  };

  FormState.prototype.controls = function (name) {
    return (this.byName[name] || []).filter(function (el) { return !el.disabled; });
  };

  /* The rows a group or grid box holds itself (not those of a nested group). */
  FormState.prototype.ownRows = function (box) {
    var holder = Array.prototype.find.call(box.querySelectorAll("[data-fp-rows]"), function (el) {
      return el.parentElement.closest("[data-fp-group], [data-fp-grid]") === box;
    });
    return holder ? Array.prototype.filter.call(holder.children, function (el) {
      return el.hasAttribute("data-fp-row");
    }) : [];
  };

  FormState.prototype.rowCount = function (path) {
    var box = this.box(path);
    return box ? this.ownRows(box).length : 0;
  };

  /* --- reading answers: the browser twin of form_definitions/formdata.py ------------------------- */

  function parseNumber(text, integer) {
    var cleaned = integer ? text.replace(/ /g, "") : text.replace(/ /g, "").replace(/,/g, ".");
    if (integer ? INTEGER.test(cleaned) : DECIMAL.test(cleaned)) {
      return integer ? parseInt(cleaned, 10) : Number(cleaned);
    }
    return text;
  }

  FormState.prototype.readScalar = function (spec, path) {
    var els = this.controls(path);
    var type = spec.type;
    if (type === "file") {
      return this.readFile(els);
    }
    var raw = els.filter(function (el) {
      return (el.type !== "radio" && el.type !== "checkbox") || el.checked;
    }).map(function (el) { return el.value; });
    if (type === "multi_choice") {
      raw = raw.filter(function (v) { return v !== ""; });
      return raw.length ? raw : null;
    }
    var text = raw.length ? raw[0].trim() : "";
    if (type === "yes_no") {
      return text === "yes" ? true : (text === "no" ? false : (text || null));
    }
    if (type === "phone") {
      return (raw.length ? raw[0] : "").replace(/[ .-]/g, "") || null;
    }
    if (text === "") {
      return null;
    }
    if (type === "integer" || type === "rating" || type === "decimal") {
      return parseNumber(text, type !== "decimal");
    }
    return text;
  };

  FormState.prototype.readFile = function (els) {
    var picked = els.find(function (el) { return el.type === "file" && el.files && el.files.length; });
    if (picked) {
      return {name: picked.files[0].name, size: picked.files[0].size};
    }
    var kept = els.find(function (el) { return el.type === "hidden" && el.value; });
    try {
      return kept ? JSON.parse(kept.value) : null;
    } catch (e) {
      return null;
    }
  };

  FormState.prototype.readFields = function (specs, prefix) {
    var values = {};
    var self = this;
    dataFields(specs).forEach(function (spec) {
      if (!spec.name || spec.type === "calculated") {
        return;
      }
      var path = join(prefix, spec.name);
      var value = spec.type === "group" ? self.readGroup(spec, path)
        : (spec.type === "grid" ? self.readGrid(spec, path) : self.readScalar(spec, path));
      if (!isEmpty(value)) {
        values[spec.name] = value;
      }
    });
    return values;
  };

  FormState.prototype.keepRow = function (path, row, list) {
    this.rows[path] = row;
    if (!isEmpty(row)) {
      list.push(row);
    }
  };

  FormState.prototype.readGroup = function (spec, path) {
    var list = [];
    for (var i = 0; i < this.rowCount(path); i += 1) {
      this.keepRow(join(path, i), this.readFields(spec.fields, join(path, i)), list);
    }
    return list;
  };

  FormState.prototype.readGridRow = function (spec, path) {
    var row = {};
    var self = this;
    (spec.columns || []).forEach(function (column) {
      if (column.type !== "calculated") {
        var value = self.readScalar(column, join(path, column.name));
        if (!isEmpty(value)) {
          row[column.name] = value;
        }
      }
    });
    return row;
  };

  FormState.prototype.readGrid = function (spec, path) {
    var self = this;
    var list = [];
    if (spec.addable_rows) {
      for (var i = 0; i < this.rowCount(path); i += 1) {
        this.keepRow(join(path, i), this.readGridRow(spec, join(path, i)), list);
      }
      return list;
    }
    var fixed = {};
    (spec.rows || []).forEach(function (rowSpec) {
      var row = self.readGridRow(spec, join(path, rowSpec.key));
      self.rows[join(path, rowSpec.key)] = row;
      if (!isEmpty(row)) {
        fixed[rowSpec.key] = row;
      }
    });
    return fixed;
  };

  /* --- calculating: the browser twin of form_definitions/answers.py compute() ------------------- */

  function asNumber(value) {
    return typeof value === "number" ? value : null;
  }

  /* Columns marked in_row_total, or (none marked: older definitions) every number column, as on the server. */
  function rowTotalColumns(columns) {
    var numeric = columns.filter(function (c) { return NUMERIC_COLUMNS.indexOf(c.type) >= 0; });
    var chosen = numeric.filter(function (c) { return c.in_row_total; });
    return chosen.length ? chosen : numeric;
  }

  FormState.prototype.computeGrid = function (spec, value, scope) {
    var columns = spec.columns || [];
    var rowTotals = this.rowTotals;
    var totals = {};
    columns.forEach(function (c) { if (c.total) { totals[c.name] = null; } });
    var rows = Array.isArray(value) ? value : Object.keys(value || {}).map(function (k) { return value[k]; });
    rows.filter(isObject).forEach(function (row) {
      columns.forEach(function (c) {
        if (c.type === "calculated") {
          row[c.name] = R.roundTo(R.evaluate(c.formula, assign({}, scope, row)), c.decimals);
        }
      });
      if (spec.row_total) {
        var sum = 0;
        rowTotalColumns(columns).forEach(function (c) {
          var n = asNumber(row[c.name]);
          sum += n === null ? 0 : n;
        });
        rowTotals.set(row, R.roundTo(sum, 6));
      }
      Object.keys(totals).forEach(function (name) {
        var cell = asNumber(row[name]);
        if (cell !== null) {
          totals[name] = R.roundTo((totals[name] || 0) + cell, 6);
        }
      });
    });
    this.gridTotals.set(value, totals);
  };

  FormState.prototype.computeFields = function (specs, values, scope) {
    var self = this;
    (specs || []).forEach(function (spec) {
      var name = spec.name;
      if (spec.type === "section") {
        self.computeFields(spec.fields, values, scope);
      } else if (spec.type === "calculated") {
        values[name] = R.roundTo(R.evaluate(spec.formula, scope), spec.decimals);
      } else if (spec.type === "group" && Array.isArray(values[name])) {
        values[name].filter(isObject).forEach(function (row) {
          self.computeFields(spec.fields, row, assign({}, scope, row));
        });
      } else if (spec.type === "grid" && values[name] !== undefined && values[name] !== null) {
        self.computeGrid(spec, values[name], scope);
      }
    });
  };

  /* The answers as the server will read them, with calculated values filled in. */
  FormState.prototype.compute = function () {
    this.rows = {};
    this.rowTotals = new Map();
    this.gridTotals = new Map();
    var values = this.readFields(this.fields, "");
    for (var pass = 0; pass < 2; pass += 1) { // a second pass lets a formula read a later formula
      this.computeFields(this.fields, values, values);
    }
    return values;
  };

  /* --- showing results --------------------------------------------------------------------------- */

  FormState.prototype.formatNumber = function (value, decimals) {
    if (typeof value === "boolean") {
      return this.form.getAttribute(value ? "data-fp-yes" : "data-fp-no") || String(value);
    }
    if (typeof value !== "number") {
      return value === null || value === undefined ? "" : String(value);
    }
    if (!isFinite(value)) {
      return "";
    }
    var places = decimals === undefined || decimals === null ? 6 : decimals;
    var cacheKey = places === decimals ? "fixed" + places : "upto" + places;
    var formatter = FORMATTERS[cacheKey] || (FORMATTERS[cacheKey] = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: places === decimals ? places : 0,
      maximumFractionDigits: places
    }));
    var text = formatter.format(value);
    if (/^-[0.,]*$/.test(text)) {
      text = text.slice(1); // never "-0", as renderers.values.format_number
    }
    return this.locale === "vi" ? text.replace(/[,.]/g, function (c) { return c === "," ? "." : ","; }) : text;
  };

  FormState.prototype.show = function (id, value, decimals) {
    var el = document.getElementById(id);
    var text = this.formatNumber(value, decimals);
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  };

  FormState.prototype.rowPaths = function (spec, path) {
    if (spec.type === "grid" && !spec.addable_rows) {
      return (spec.rows || []).map(function (r) { return join(path, r.key); });
    }
    var paths = [];
    for (var i = 0; i < this.rowCount(path); i += 1) {
      paths.push(join(path, i));
    }
    return paths;
  };

  FormState.prototype.showGrid = function (spec, path, value) {
    var self = this;
    this.rowPaths(spec, path).forEach(function (rowPath) {
      var row = self.rows[rowPath] || {};
      (spec.columns || []).forEach(function (c) {
        if (c.type === "calculated") {
          self.show("f-" + join(rowPath, c.name), row[c.name], c.decimals);
        }
      });
      if (spec.row_total) {
        self.show("f-" + rowPath + "-total", self.rowTotals.has(row) ? self.rowTotals.get(row) : null);
      }
    });
    var totals = this.gridTotals.get(value) || {};
    (spec.columns || []).forEach(function (c) {
      if (c.total) {
        self.show("f-" + path + "-total-" + c.name, totals[c.name], c.decimals);
      }
    });
  };

  FormState.prototype.showFields = function (specs, values, prefix) {
    var self = this;
    (specs || []).forEach(function (spec) {
      var path = spec.name ? join(prefix, spec.name) : "";
      if (spec.type === "section") {
        self.showFields(spec.fields, values, prefix);
      } else if (spec.type === "calculated") {
        self.show("f-" + path, values[spec.name], spec.decimals);
      } else if (spec.type === "group") {
        self.rowPaths(spec, path).forEach(function (rowPath) {
          self.showFields(spec.fields, self.rows[rowPath] || {}, rowPath);
        });
      } else if (spec.type === "grid") {
        self.showGrid(spec, path, values[spec.name]);
      }
    });
  };

  /* --- visible_if and required_if ------------------------------------------------------------------ */

  FormState.prototype.setActive = function (elements, active) {
    var changed = false;
    elements.forEach(function (el) {
      var disabled = !active || el.hasAttribute("data-fp-locked");
      if (el.disabled !== disabled) {
        el.disabled = disabled;
        changed = true;
      }
    });
    return changed;
  };

  /* The inputs of a scalar field or of every cell of a grid. */
  FormState.prototype.ownControls = function (spec, key) {
    var self = this;
    if (spec.type !== "grid") {
      return this.byName[key] || [];
    }
    var found = [];
    this.rowPaths(spec, key).forEach(function (rowPath) {
      (spec.columns || []).forEach(function (c) {
        found = found.concat(self.byName[join(rowPath, c.name)] || []);
      });
    });
    return found;
  };

  FormState.prototype.setRequired = function (spec, path, scope) {
    var required = Boolean(spec.required) || R.holds(spec.required_if, scope, false);
    var marker = document.getElementById("f-" + path + "-req");
    if (marker) {
      marker.hidden = !required;
    }
    (this.byName[path] || []).forEach(function (el) {
      if (el.type !== "radio" && el.type !== "checkbox" && el.type !== "hidden") {
        if (required) { el.setAttribute("aria-required", "true"); } else { el.removeAttribute("aria-required"); }
      }
    });
  };

  /* Returns true when an input was enabled or disabled, so answers must be read again. */
  FormState.prototype.applyRules = function (specs, scope, prefix, position, parentVisible) {
    var self = this;
    var changed = false;
    (specs || []).forEach(function (spec, index) {
      var here = position ? position + "-" + index : String(index);
      var plain = spec.type === "section" || spec.type === "static" || !spec.name;
      var key = join(prefix, plain ? "_" + here : spec.name);
      var box = self.box(key);
      var own = R.holds(spec.visible_if, scope, true);
      var visible = parentVisible && own;
      if (box && box.hidden === own) {
        box.hidden = !own;
      }
      if (spec.type === "section") {
        changed = self.applyRules(spec.fields, scope, prefix, here, visible) || changed;
      } else if (spec.type === "group") {
        self.rowPaths(spec, key).forEach(function (rowPath) {
          var rowScope = assign({}, scope, self.rows[rowPath] || {});
          changed = self.applyRules(spec.fields, rowScope, rowPath, "", visible) || changed;
        });
      } else if (!plain) {
        changed = self.setActive(self.ownControls(spec, key), visible) || changed;
      }
      if (box && spec.required_if) {
        self.setRequired(spec, key, scope);
      }
    });
    return changed;
  };

  FormState.prototype.refresh = function () {
    var values;
    for (var round = 0; round < 5; round += 1) { // showing a field can change what others see
      values = this.compute();
      this.showFields(this.fields, values, "");
      if (!this.applyRules(this.fields, values, "", "", true)) {
        break;
      }
    }
    if (window.FPFormChecks) { // cross-field checks (form-checks.js) on the answers as they now stand
      window.FPFormChecks.show(this, values);
    }
  };

  /* --- adding and removing rows -------------------------------------------------------------------- */

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  FormState.prototype.renumber = function (box) {
    var path = box.getAttribute("data-fp-key");
    var pattern = new RegExp("(^|[\\s-])" + escapeRegExp(path) + "\\.(?:\\d+|__i__)(?=[.\\s-]|$)", "g");
    var rows = this.ownRows(box);
    var label = this.rowLabel;
    rows.forEach(function (row, index) {
      var elements = [row].concat(Array.prototype.slice.call(row.querySelectorAll("*")));
      elements.forEach(function (el) {
        RENUMBERED.forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value !== null) {
            el.setAttribute(attr, value.replace(pattern, "$1" + path + "." + index));
          }
        });
      });
      Array.prototype.forEach.call(row.querySelectorAll("[data-fp-row-title], [data-fp-row-number]"), function (el) {
        if (el.closest("[data-fp-row]") === row) {
          var number = String(index + 1);
          el.textContent = el.hasAttribute("data-fp-row-number") ? number : label.replace("%(number)s", number);
        }
      });
    });
    this.limitRows(box, rows.length);
    this.index();
  };

  FormState.prototype.limitRows = function (box, count) {
    var min = Math.max(parseInt(box.getAttribute("data-fp-min") || "0", 10), 1);
    var max = parseInt(box.getAttribute("data-fp-max") || "0", 10) || Infinity;
    var path = box.getAttribute("data-fp-key");
    Array.prototype.forEach.call(box.querySelectorAll('[data-fp-for="' + path + '"]'), function (button) {
      button.disabled = button.hasAttribute("data-fp-add-row") ? count >= max : count <= min;
    });
  };

  FormState.prototype.addRow = function (button) {
    var box = button.closest("[data-fp-group], [data-fp-grid]");
    var template = Array.prototype.find.call(box.querySelectorAll("template[data-fp-row-template]"), function (el) {
      return el.parentElement.closest("[data-fp-group], [data-fp-grid]") === box;
    });
    var rows = this.ownRows(box);
    var holder = rows.length ? rows[0].parentElement : box.querySelector("[data-fp-rows]");
    if (!template || !holder) {
      return;
    }
    holder.appendChild(document.importNode(template.content, true));
    this.renumber(box);
    this.refresh();
    var added = this.ownRows(box).pop();
    var first = added && added.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    if (first) {
      first.focus();
    }
  };

  FormState.prototype.removeRow = function (button) {
    var box = button.closest("[data-fp-group], [data-fp-grid]");
    var row = button.closest("[data-fp-row]");
    if (!box || !row || button.disabled) {
      return;
    }
    row.parentElement.removeChild(row);
    this.renumber(box);
    this.refresh();
    var add = box.querySelector('[data-fp-add-row][data-fp-for="' + box.getAttribute("data-fp-key") + '"]');
    if (add) {
      add.focus();
    }
  };

  /* --- start ---------------------------------------------------------------------------------------- */

  FormState.prototype.start = function () {
    var self = this;
    var form = this.form;
    this.index();
    form.addEventListener("input", function () { self.refresh(); });
    form.addEventListener("change", function () { self.refresh(); });
    form.addEventListener("click", function (event) {
      var target = event.target.closest("[data-fp-add-row], [data-fp-remove-row], [data-fp-error-summary] a");
      if (!target) {
        return;
      }
      if (target.tagName === "A") {
        var field = document.getElementById(decodeURIComponent(target.getAttribute("href").slice(1)));
        if (field) {
          event.preventDefault();
          field.scrollIntoView({block: "center"});
          field.focus();
        }
      } else if (target.hasAttribute("data-fp-add-row")) {
        self.addRow(target);
      } else {
        self.removeRow(target);
      }
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-fp-group], [data-fp-grid]"), function (box) {
      self.limitRows(box, self.ownRows(box).length);
    });
    this.refresh();
    var summary = form.querySelector("[data-fp-error-summary]");
    if (summary) {
      summary.focus();
    }
  };

  function init() {
    var source = document.getElementById("fp-definition");
    var form = source && source.closest("form[data-fp-form]");
    if (!form || form.fpState) {
      return;
    }
    form.fpState = new FormState(form, JSON.parse(source.textContent));
    form.fpState.start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  window.FPForm = {FormState: FormState, init: init};
})();
