/*
 * The designer's model: plain functions over a form definition (FORMAT.md), no DOM.
 * Mirrors the server where it matters: names (form_definitions/checks.py), missing translations
 * (checks.missing_translations), rule variables (rules.rule_vars).
 */
(function () {
  "use strict";

  var LANGS = ["vi", "en"];
  var BILINGUAL_KEYS = ["label", "help", "content", "unit", "min_label", "max_label", "row_total", "message"];
  var RULE_KEYS = ["visible_if", "required_if", "formula", "rule", "meta"];  // as missing_translations() in checks.py
  var NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;  // camelCase kept: imported data keys are never renamed
  var NUMERIC = ["integer", "decimal", "calculated", "rating"];

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function text(value, locale) {
    if (!isObject(value)) {
      return "";
    }
    return value[locale] || value[locale === "vi" ? "en" : "vi"] || "";
  }

  /* Every field with its containing array, index and path ("fields.0.fields.2"), depth first. */
  function walk(fields, visit, path, parent) {
    (fields || []).forEach(function (field, index) {
      var here = (path || "fields") + "." + index;
      visit(field, fields, index, here, parent || null);
      if (Array.isArray(field.fields)) {
        walk(field.fields, visit, here + ".fields", field);
      }
    });
  }

  function locate(definition, target) {
    var found = null;
    walk(definition.fields, function (field, list, index, path, parent) {
      if (field === target) {
        found = {list: list, index: index, path: path, parent: parent};
      }
    });
    return found;
  }

  /* The names that share a namespace with `field`: the whole form outside groups, siblings inside one. */
  function scopeFields(definition, container) {
    var found = [];
    function collect(fields) {
      (fields || []).forEach(function (field) {
        if (field.type === "section") {
          collect(field.fields);
        } else {
          found.push(field);
        }
      });
    }
    collect(container && container.type === "group" ? container.fields : definition.fields);
    return found;
  }

  function enclosingGroup(definition, field) {
    var spot = locate(definition, field);
    while (spot && spot.parent) {
      if (spot.parent.type === "group") {
        return spot.parent;
      }
      spot = locate(definition, spot.parent);
    }
    return null;
  }

  function nameTaken(definition, name, except, container) {
    var sections = [];
    walk(definition.fields, function (field) {
      if (field.type === "section") {
        sections.push(field);
      }
    });
    var peers = scopeFields(definition, container).concat(container ? [] : sections);
    return peers.some(function (field) { return field !== except && field.name === name; });
  }

  function uniqueName(definition, base, container) {
    var stem = String(base || "field").replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "") || "field";
    var number = 1;
    while (nameTaken(definition, stem + "_" + number, null, container)) {
      number += 1;
    }
    return stem + "_" + number;
  }

  /* A calculated value must have a formula; a new one gets this constant 0 until the designer picks a
   * calculation (the guided editor reads it as "no formula yet"). */
  function placeholderFormula() {
    return {"+": [0]};
  }

  function emptyText() {
    return {vi: "", en: ""};
  }

  function numbered(messages, number) {
    return {
      vi: (messages.new_option_vi || "Lựa chọn %(number)s").replace("%(number)s", number),
      en: (messages.new_option_en || "Option %(number)s").replace("%(number)s", number)
    };
  }

  /* The label of a new grid row: "Dòng 1" / "Row 1", in both languages of the form. */
  function numberedRow(messages, number) {
    return {
      vi: (messages.new_row_vi || "Dòng %(number)s").replace("%(number)s", number),
      en: (messages.new_row_en || "Row %(number)s").replace("%(number)s", number)
    };
  }

  /* A new field of `type` with sensible defaults; `container` is the group it lands in, if any. */
  function newField(type, definition, container, messages) {
    var field = {type: type};
    if (type === "static") {
      field.content = emptyText();
      return field;
    }
    field.name = uniqueName(definition, type === "section" ? "section" : type, container);
    field.label = emptyText();
    if (type === "section") {
      field.fields = [];
    } else if (type === "group") {
      field.fields = [{type: "text", name: "item", label: emptyText()}];
    } else if (type === "choice" || type === "multi_choice") {
      field.options = [1, 2].map(function (n) { return {value: String(n), label: numbered(messages, n)}; });
    } else if (type === "scored_choice") {
      field.options = [2, 1, 0].map(function (points, i) {
        return {value: String(i + 1), label: numbered(messages, i + 1), points: points};
      });
    } else if (type === "rating") {
      field.scale_min = 1;
      field.scale_max = 5;
    } else if (type === "grid") {
      field.rows = [{key: "row_1", label: numberedRow(messages, 1)}];
      field.columns = [{name: "value", type: "integer", label: emptyText()}];
    } else if (type === "calculated") {
      field.formula = placeholderFormula();
    }
    return field;
  }

  /* A deep copy with fresh names (the copy must not collide with the original). */
  function duplicate(definition, field, container) {
    var copy = clone(field);
    delete copy.concept;
    if (copy.name) {
      copy.name = uniqueName(definition, copy.name.replace(/_\d+$/, ""), container);
    }
    walk(copy.fields, function (child) {
      delete child.concept;
      if (child.name && copy.type === "section") {
        child.name = uniqueName(definition, child.name.replace(/_\d+$/, ""), container);
      }
    });
    return copy;
  }

  function renameInRule(rule, from, to) {
    if (Array.isArray(rule)) {
      return rule.map(function (item) { return renameInRule(item, from, to); });
    }
    if (!isObject(rule)) {
      return rule;
    }
    var result = {};
    Object.keys(rule).forEach(function (op) {
      var args = rule[op];
      if (op === "var" && (args === from || (Array.isArray(args) && args[0] === from))) {
        result[op] = Array.isArray(args) ? [to].concat(args.slice(1)) : to;
      } else {
        result[op] = renameInRule(args, from, to);
      }
    });
    return result;
  }

  /* Rename a field and every rule that refers to it; returns how many rules changed. */
  function rename(definition, field, name) {
    var from = field.name;
    var changed = 0;
    field.name = name;
    walk(definition.fields, function (other) {
      ["visible_if", "required_if", "formula"].forEach(function (key) {
        if (other[key] !== undefined) {
          var before = JSON.stringify(other[key]);
          other[key] = renameInRule(other[key], from, name);
          changed += before === JSON.stringify(other[key]) ? 0 : 1;
        }
      });
    });
    return changed;
  }

  /* Same walk as checks.missing_translations: [{path, lang}] for every empty language. */
  function missingTranslations(definition) {
    var found = [];
    function visit(node, path, top) {
      if (Array.isArray(node)) {
        node.forEach(function (item, index) { visit(item, path + "." + index, false); });
        return;
      }
      if (!isObject(node)) {
        return;
      }
      Object.keys(node).forEach(function (key) {
        var here = path ? path + "." + key : key;
        var value = node[key];
        var bilingual = BILINGUAL_KEYS.indexOf(key) >= 0 || (top && (key === "title" || key === "description"));
        if (bilingual && isObject(value)) {
          LANGS.forEach(function (lang) {
            if (!String(value[lang] || "").trim()) {
              found.push({path: here, lang: lang});
            }
          });
        } else if (RULE_KEYS.indexOf(key) < 0) {
          visit(value, here, false);
        }
      });
    }
    visit(definition, "", true);
    return found;
  }

  /* A grid as a formula sees it: its column totals can be calculated with (rule-editor.js). */
  function gridCandidate(grid, locale) {
    return {
      name: grid.name,
      label: text(grid.label, locale) || grid.name,
      type: "grid",
      addable_rows: Boolean(grid.addable_rows),
      rows: (grid.rows || []).map(function (r) { return r.key; }),
      columns: (grid.columns || []).map(function (c) { return {name: c.name, type: c.type, label: text(c.label, locale) || c.name}; })
    };
  }

  /* Fields a rule on `field` may name: its group's fields first, then the form's (never itself); for a
     formula (`numericOnly`) also the form's grids, whose column totals it may use. */
  function ruleCandidates(definition, field, locale, numericOnly) {
    var group = enclosingGroup(definition, field);
    var pool = (group ? scopeFields(definition, group) : []).concat(scopeFields(definition, null));
    var seen = {};
    var grids = numericOnly ? scopeFields(definition, null).filter(function (other) {
      return other.type === "grid" && other !== field && other.name;
    }).map(function (grid) { return gridCandidate(grid, locale); }) : [];
    return pool.filter(function (other) {
      var keep = other !== field && other !== group && other.name && !seen[other.name] &&
        ["group", "grid", "file", "static"].indexOf(other.type) < 0 &&
        (!numericOnly || NUMERIC.indexOf(other.type) >= 0);
      seen[other.name] = true;
      return keep;
    }).map(function (other) {
      return {
        name: other.name,
        label: text(other.label, locale) || other.name,
        type: other.type,
        options: (other.options || []).map(function (o) { return {value: o.value, label: text(o.label, locale)}; })
      };
    }).concat(grids);
  }

  function countFields(field) {
    var count = 0;
    walk(field.fields, function () { count += 1; });
    return count;
  }

  window.FPDesignerModel = {
    placeholderFormula: placeholderFormula,
    LANGS: LANGS,
    NAME: NAME,
    clone: clone,
    text: text,
    walk: walk,
    locate: locate,
    enclosingGroup: enclosingGroup,
    nameTaken: nameTaken,
    uniqueName: uniqueName,
    newField: newField,
    numberedRow: numberedRow,
    duplicate: duplicate,
    rename: rename,
    missingTranslations: missingTranslations,
    ruleCandidates: ruleCandidates,
    countFields: countFields
  };
}());
