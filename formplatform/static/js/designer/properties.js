/*
 * What the property panel shows for a field of each type, or for the form itself.
 * Driven by the palette (formplatform/designer/palette.py): one control per option kind.
 */
(function () {
  "use strict";

  var M = window.FPDesignerModel;
  var P = window.FPDesignerPanel;
  var el = P.el;
  var ADVANCED = ["concept", "pattern"];
  var CONCEPT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

  function typeSpec(palette, name) {
    return palette.types.filter(function (t) { return t.name === name; })[0];
  }

  function regexProblem(value) {
    if (!value) {
      return null;
    }
    try {
      new RegExp(value);
      return null;
    } catch (error) {
      return String(error.message || error);
    }
  }

  function optionLabels(b, option, path, index, withPoints) {
    b.text(option, "value", {label: b.msg.option_value}, function (value) {
      return value ? null : b.msg.name_invalid;
    });
    b.bilingual(option, "label", {label: b.msg.label_word || "", required: true}, path + ".options." + index + ".label");
    if (withPoints) {
      b.number(option, "points", {label: b.msg.points}, false);
    }
  }

  function fileTypes(b, field, spec, palette) {
    var wrap = el("fieldset", {className: "fp-d-list"}, [el("legend", {text: spec.label}),
      el("p", {className: "fp-d-row__help", text: spec.help})]);
    palette.file_types.forEach(function (type) {
      var id = P.nextId("accept");
      var box = el("input", {type: "checkbox", id: id, value: type.value});
      box.checked = (field.accept || []).indexOf(type.value) >= 0;
      box.addEventListener("change", function () {
        var chosen = Array.prototype.slice.call(wrap.querySelectorAll("input:checked")).map(function (c) { return c.value; });
        if (chosen.length) {
          field.accept = chosen;
        } else {
          delete field.accept;
        }
        b.ctx.committed();
      });
      wrap.appendChild(el("div", {className: "fp-d-row fp-d-row--check"}, [box, el("label", {"for": id, text: type.label})]));
    });
    b.root.appendChild(wrap);
  }

  function columnCandidates(field, column, ctx) {
    var columns = (field.columns || []).filter(function (c) {
      return c !== column && ["integer", "decimal", "calculated"].indexOf(c.type) >= 0;
    }).map(function (c) {
      return {name: c.name, label: M.text(c.label, ctx.locale) || c.name, type: c.type, options: []};
    });
    return columns.concat(M.ruleCandidates(ctx.definition, field, ctx.locale, true));
  }

  function numberColumns(field) {
    return (field.columns || []).filter(function (c) { return ["integer", "decimal", "calculated"].indexOf(c.type) >= 0; });
  }

  /* "Counts in the row total". A grid where no column is marked adds every number column (older
     definitions keep their meaning), so the boxes show that; the first change marks the columns that
     counted until then, and the change applies on top. */
  function rowTotalBox(b, field, column, label) {
    var marked = numberColumns(field).some(function (c) { return c.in_row_total; });
    var id = P.nextId("inrowtotal");
    var input = el("input", {id: id, type: "checkbox"});
    input.checked = marked ? Boolean(column.in_row_total) : true;
    input.addEventListener("change", function () {
      if (!numberColumns(field).some(function (c) { return c.in_row_total; })) {
        numberColumns(field).forEach(function (c) { c.in_row_total = true; });
      }
      if (input.checked) {
        column.in_row_total = true;
      } else {
        delete column.in_row_total;
      }
      b.ctx.committed();
    });
    b.root.appendChild(el("div", {className: "fp-d-row fp-d-row--check"}, [input, el("label", {"for": id, text: label})]));
  }

  function columns(b, field, spec, path, palette) {
    var ctx = b.ctx;
    b.list(field.columns || (field.columns = []), {label: spec.label, help: spec.help, addLabel: b.msg.add_column},
      function (inner, column, index) {
        inner.text(column, "name", {label: b.msg.column_name}, function (value) {
          return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(value) ? null : b.msg.name_invalid;
        });
        var typeId = P.nextId("coltype");
        var select = el("select", {id: typeId});
        palette.column_types.forEach(function (choice) {
          var option = el("option", {value: choice.value, text: choice.label});
          option.selected = column.type === choice.value;
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          column.type = select.value;
          if (column.type === "calculated" && !column.formula) {
            column.formula = M.placeholderFormula();
          }
          if (column.type !== "calculated") {
            delete column.formula;
          }
          if (column.type === "text") {
            delete column.total;
          }
          ctx.committed();
          ctx.refresh();
        });
        inner.row(b.msg.column_type, null, select, typeId);
        inner.bilingual(column, "label", {label: b.msg.label_word, required: true}, path + ".columns." + index + ".label");
        if (column.type !== "text") {
          inner.bilingual(column, "unit", {label: b.msg.unit_word}, path + ".columns." + index + ".unit");
          inner.checkbox(column, "total", {label: b.msg.column_total});
          rowTotalBox(inner, field, column, b.msg.in_row_total);
        }
        if (column.type === "calculated") {
          inner.rule(column, "formula", {label: b.msg.column_formula, help: ""}, "formula",
            columnCandidates(field, column, ctx));
        }
      },
      function (number) {
        return {name: "column_" + number, type: "integer", label: {vi: "", en: ""}};
      }, 1);
  }

  function rows(b, field, spec, path) {
    b.list(field.rows || (field.rows = []), {label: spec.label, help: spec.help, addLabel: b.msg.add_row},
      function (inner, row, index) {
        inner.text(row, "key", {label: b.msg.row_key}, function (value) {
          return /^[a-z0-9][a-z0-9_]{0,63}$/.test(value) ? null : b.msg.name_invalid;
        });
        inner.bilingual(row, "label", {label: b.msg.label_word, required: true}, path + ".rows." + index + ".label");
        inner.bilingual(row, "unit", {label: b.msg.unit_word}, path + ".rows." + index + ".unit");
      },
      function (number) {
        return {key: "row_" + number, label: M.numberedRow(b.msg, number)};
      }, 0);
  }

  function option(b, field, spec, path) {
    var scored = field.type === "scored_choice";
    b.list(field.options || (field.options = []), {label: spec.label, help: spec.help, addLabel: b.msg.add_option},
      function (inner, item, index) { optionLabels(inner, item, path, index, scored); },
      function (number) {
        var used = (field.options || []).map(function (o) { return o.value; });
        var value = number;
        while (used.indexOf(String(value)) >= 0) {
          value += 1;
        }
        var made = {value: String(value), label: {vi: "", en: ""}};
        if (scored) {
          made.points = 0;
        }
        return made;
      }, 1);
  }

  function control(b, field, spec, path, palette) {
    var ctx = b.ctx;
    var kind = spec.kind;
    if (kind === "children") {
      return;
    }
    if (spec.key === "name") {
      b.name(field, spec);
    } else if (kind === "bilingual" || kind === "bilingual_long") {
      var required = spec.key === "label" || spec.key === "content";
      b.bilingual(field, spec.key, {label: spec.label, help: spec.help, long: kind === "bilingual_long", required: required},
        path + "." + spec.key);
    } else if (kind === "boolean") {
      b.checkbox(field, spec.key, {label: spec.label, help: spec.help, refresh: spec.key === "addable_rows"});
    } else if (kind === "integer" || kind === "number" || kind === "megabytes") {
      b.number(field, spec.key, spec, kind === "integer");
    } else if (kind === "enum") {
      b.select(field, spec.key, spec, spec.choices, spec.choices[0].value);
    } else if (kind === "condition") {
      b.rule(field, spec.key, spec, "condition", M.ruleCandidates(ctx.definition, field, ctx.locale, false));
    } else if (kind === "formula") {
      b.rule(field, spec.key, spec, "formula", M.ruleCandidates(ctx.definition, field, ctx.locale, true));
    } else if (kind === "options") {
      option(b, field, spec, path);
    } else if (kind === "rows") {
      if (!field.addable_rows) {
        rows(b, field, spec, path);
      }
    } else if (kind === "columns") {
      columns(b, field, spec, path, palette);
    } else if (kind === "checks") {
      window.FPDesignerChecks.editor(b, field, spec.key, {label: spec.label, help: spec.help, path: path + "." + spec.key,
        candidates: columnCandidates(field, null, ctx), shownNext: null});
    } else if (kind === "file_types") {
      fileTypes(b, field, spec, palette);
    } else if (spec.key === "concept") {
      b.text(field, "concept", spec, function (value) { return !value || CONCEPT.test(value) ? null : b.msg.name_invalid; });
    } else if (spec.key === "pattern") {
      b.text(field, "pattern", spec, regexProblem);
    } else {
      b.text(field, spec.key, spec, null);
    }
  }

  function renderField(root, ctx) {
    var field = ctx.field;
    var spec = typeSpec(ctx.palette, field.type);
    var spot = M.locate(ctx.definition, field);
    var path = spot ? spot.path : "fields";
    root.appendChild(el("div", {className: "fp-d-panel__type"}, [
      el("span", {className: "fp-d-badge fp-d-badge--" + spec.group, text: spec.label}),
      el("p", {className: "fp-muted", text: spec.help})
    ]));
    var b = new P.Builder(ctx, root);
    var advanced = el("details", {className: "fp-d-advanced"}, [el("summary", {text: ctx.messages.advanced})]);
    var later = new P.Builder(ctx, advanced);
    spec.options.forEach(function (option) {
      control(ADVANCED.indexOf(option.key) >= 0 ? later : b, field, option, path, ctx.palette);
    });
    root.appendChild(advanced);
  }

  function renderForm(root, ctx) {
    var definition = ctx.definition;
    var msg = ctx.messages;
    var b = new P.Builder(ctx, root);
    root.appendChild(el("h2", {className: "fp-d-panel__title", text: msg.form_settings}));
    var keyId = P.nextId("key");
    b.row(msg.key, null, el("input", {id: keyId, type: "text", value: definition.key, readonly: true}), keyId);
    b.select(definition, "kind", {label: msg.kind}, ctx.palette.kinds, null);
    b.bilingual(definition, "title", {label: msg.title, required: true}, "title");
    b.bilingual(definition, "description", {label: msg.description, long: true}, "description");
    var scoring = definition.scoring || {bands: []};
    b.list(scoring.bands || (scoring.bands = []),
      {label: msg.scoring_bands, help: msg.scoring_bands_help, addLabel: msg.add_band},
      function (inner, band, index) {
        inner.number(band, "min", {label: msg.band_min}, false);
        inner.bilingual(band, "label", {label: msg.label_word, required: true}, "scoring.bands." + index + ".label");
      },
      function () {
        definition.scoring = scoring;
        return {min: 0, label: {vi: "", en: ""}};
      }, 0);
    if (!scoring.bands.length) {
      delete definition.scoring;
    } else {
      definition.scoring = scoring;
    }
    var numbers = M.ruleCandidates(definition, {}, ctx.locale, true);
    window.FPDesignerChecks.editor(b, definition, "checks", {label: msg.checks, help: msg.checks_help, path: "checks",
      candidates: numbers, shownNext: numbers.filter(function (f) { return f.type !== "grid"; })});
  }

  window.FPDesignerProperties = {
    render: function (root, ctx) {
      root.textContent = "";
      if (ctx.field) {
        renderField(root, ctx);
      } else {
        renderForm(root, ctx);
      }
    },
    typeSpec: typeSpec
  };
}());
