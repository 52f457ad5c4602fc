/*
 * FPRuleEditor: a guided editor for one JSON Logic rule of a field (visible_if / required_if
 * conditions, or a calculated field's formula), with a JSON view for anything the guided editor
 * cannot show. No framework, no build step; the site's CSP forbids inline style, so the look comes
 * from classes in css/rule-editor.css (prefix fp-re-).
 *
 *   var editor = FPRuleEditor.create(container, {kind, fields, value, messages, idPrefix, onChange, purpose});
 *   editor.get(); editor.set(rule); editor.isValid(); editor.setFields(fields); editor.destroy();
 *
 * The guided editor only writes shapes it can read back exactly (set(x) then get() gives x); every
 * parse is checked by regenerating the rule and comparing, so anything else opens as JSON.
 * onChange(rule) runs after each edit that leaves a complete, valid rule (null = no rule); get()
 * returns that last valid rule.
 */
(function (root) {
  "use strict";

  /* English fallbacks; the page passes the translated set from designer/rule_messages.py. */
  var DEFAULT_MESSAGES = {
    all: "All of these conditions are true",
    any: "Any of these conditions is true",
    join_label: "Combine conditions",
    group_join_label: "Combine the conditions of group %(number)s",
    condition_n: "Condition %(number)s",
    group_n: "Group %(number)s",
    field: "Field",
    operator: "Comparison",
    value: "Value",
    values: "Values",
    choose_field: "Choose a field…",
    choose_value: "Choose a value…",
    yes: "Yes",
    no: "No",
    op_eq: "equals",
    op_ne: "does not equal",
    op_lt: "is less than",
    op_lte: "is less than or equal to",
    op_gt: "is greater than",
    op_gte: "is greater than or equal to",
    op_before: "is before",
    op_on_or_before: "is on or before",
    op_after: "is after",
    op_on_or_after: "is on or after",
    op_answered: "is answered",
    op_unanswered: "is not answered",
    op_in: "is one of",
    op_includes: "includes",
    op_excludes: "does not include",
    add_condition: "Add condition",
    add_condition_to_group: "Add condition to group %(number)s",
    add_group: "Add group",
    remove: "Remove",
    remove_condition: "Remove condition %(number)s",
    remove_group: "Remove group %(number)s",
    no_conditions: "No conditions yet: add one to make this depend on other answers.",
    no_fields: "No fields can be used in a rule yet.",
    incomplete: "Complete this condition or remove it.",
    formula_operation: "Calculation",
    choose_operation: "Choose a calculation…",
    fop_sum: "Sum of fields",
    fop_difference: "Difference (a − b)",
    fop_product: "Product (a × b)",
    fop_ratio: "Ratio (a ÷ b)",
    fop_percentage: "Percentage (a ÷ b × 100)",
    fop_average: "Average of fields",
    formula_fields: "Fields",
    formula_a: "Field a",
    formula_b: "Field b",
    formula_blank_zero: "A blank answer counts as 0.",
    formula_incomplete: "Choose the fields for this calculation.",
    formula_number: "A number…",
    formula_number_a: "Number a",
    formula_number_b: "Number b",
    formula_then: "Then",
    scale_none: "use it as it is",
    scale_times: "multiply by a number",
    scale_divide: "divide by a number",
    formula_factor: "By",
    total_of: "Total of %(column)s (%(grid)s)",
    check_left: "These added up",
    check_compare: "must be",
    check_right: "compared with these added up",
    check_number: "Plus a number",
    check_incomplete: "Pick what to compare on both sides.",
    cmp_eq: "equal to",
    cmp_ne: "different from",
    cmp_lt: "less than",
    cmp_lte: "at most",
    cmp_gt: "greater than",
    cmp_gte: "at least",
    summary_check: "Must hold: %(rule)s",
    summary_none_check: "No check yet.",
    no_numeric_fields: "There are no number fields to calculate with.",
    show_json: "Edit as JSON",
    show_guided: "Use the guided editor",
    json_label: "Rule as JSON (JSON Logic)",
    json_help: "Leave empty for no rule.",
    too_complex: "This rule is too complex for the guided editor; edit it as JSON.",
    fix_json_first: "Fix the errors in the JSON to go back to the guided editor.",
    err_syntax: "JSON syntax error at line %(line)s, column %(column)s.",
    err_syntax_end: "The JSON ends too early: a bracket, brace or quote is not closed.",
    err_unknown_operator: "Unknown operator “%(operator)s”.",
    err_unknown_field: "“%(name)s” is not a field of this form.",
    err_not_operation: "An operation must have exactly one key, its operator (found: %(keys)s).",
    err_condition_type: "A condition must be a JSON object, true or false.",
    err_formula_type: "A formula must be a JSON object.",
    summary_visible_if: "Shown when: %(rule)s",
    summary_required_if: "Required when: %(rule)s",
    summary_condition: "Applies when: %(rule)s",
    summary_formula: "Calculated as: %(rule)s",
    summary_none_visible_if: "Always shown (no rule).",
    summary_none_required_if: "Not required by a rule.",
    summary_none_condition: "No rule.",
    summary_none_formula: "No formula yet.",
    summary_custom: "a custom rule (see the JSON)",
    summary_incomplete: "Unfinished: the last complete rule stays in effect.",
    summary_errors: "The JSON has errors: the last valid rule stays in effect.",
    word_and: "and",
    word_or: "or",
    quoted: "“%(value)s”",
    sum_eq: "%(field)s is %(value)s",
    sum_ne: "%(field)s is not %(value)s",
    sum_lt: "%(field)s < %(value)s",
    sum_lte: "%(field)s ≤ %(value)s",
    sum_gt: "%(field)s > %(value)s",
    sum_gte: "%(field)s ≥ %(value)s",
    sum_before: "%(field)s is before %(value)s",
    sum_on_or_before: "%(field)s is on or before %(value)s",
    sum_after: "%(field)s is after %(value)s",
    sum_on_or_after: "%(field)s is on or after %(value)s",
    sum_answered: "%(field)s is answered",
    sum_unanswered: "%(field)s is not answered",
    sum_in: "%(field)s is one of %(values)s",
    sum_includes: "%(field)s includes %(value)s",
    sum_excludes: "%(field)s does not include %(value)s",
    sum_average: "average of %(fields)s"
  };

  /* The operators the server evaluates: OPERATIONS and SPECIAL_FORMS of form_definitions/rules.py. */
  var KNOWN_OPERATORS = [
    "==", "!=", "===", "!==", "<", "<=", ">", ">=", "!!", "!", "+", "-", "*", "/", "%", "min", "max",
    "cat", "in", "substr", "merge", "var", "missing", "missing_some", "log",
    "if", "?:", "and", "or", "filter", "map", "reduce", "all", "some", "none"
  ];
  /* As rule_vars() on the server: only their first argument reads form data. */
  var SCOPED_OPERATORS = ["reduce", "map", "filter", "all", "some", "none"];
  var LOOP_VARIABLES = ["current", "accumulator"];

  /* Field type -> how the guided editor compares it. Types not listed (and not below) act as text. */
  var KIND_OF_TYPE = {
    choice: "choice", scored_choice: "choice", multi_choice: "multi", yes_no: "yes_no",
    integer: "number", decimal: "number", rating: "number", calculated: "number",
    date: "date", text: "text", textarea: "text", email: "text", phone: "text", file: "file"
  };
  var NOT_GUIDED = ["section", "static", "group", "grid"];
  var OPERATORS = {
    choice: ["eq", "ne", "in", "answered", "unanswered"],
    multi: ["includes", "excludes", "answered", "unanswered"],
    yes_no: ["eq", "ne", "answered", "unanswered"],
    number: ["eq", "ne", "lt", "lte", "gt", "gte", "answered", "unanswered"],
    date: ["eq", "ne", "lt", "lte", "gt", "gte", "answered", "unanswered"],
    text: ["eq", "ne", "answered", "unanswered"],
    file: ["answered", "unanswered"]
  };
  var COMPARISONS = {eq: "==", ne: "!=", lt: "<", lte: "<=", gt: ">", gte: ">="};
  var FROM_COMPARISON = {"==": "eq", "!=": "ne", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"};
  var DATE_WORDS = {lt: "before", lte: "on_or_before", gt: "after", gte: "on_or_after"};
  /* 0 and false are answers, so "answered" tests against null instead of truthiness. */
  var NULL_SAFE_KINDS = ["number", "yes_no"];
  var FORMULA_OPS = ["sum", "difference", "product", "ratio", "percentage", "average"];
  var MULTI_FORMULAS = ["sum", "average"];
  var FORMULA_TYPES = ["integer", "decimal", "rating", "calculated"];
  var GRID_NUMBERS = ["integer", "decimal", "calculated"];
  var CONST = "#const";  // an operand that is a number typed by the designer
  var SCALES = {times: "*", divide: "/"};
  var PURPOSES = ["visible_if", "required_if", "condition", "formula", "check"];
  var CHECK_COMPARISONS = ["eq", "ne", "lt", "lte", "gt", "gte"];
  var CHECK_SYMBOLS = {eq: "=", ne: "≠", lt: "<", lte: "≤", gt: ">", gte: "≥"};
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  var hasOwn = Object.prototype.hasOwnProperty;
  var instances = 0;

  /* ---- small helpers ------------------------------------------------------------------------ */

  function has(object, key) {
    return object !== null && object !== undefined && hasOwn.call(object, key);
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function opOf(node) {
    if (!isPlainObject(node)) {
      return null;
    }
    var keys = Object.keys(node);
    return keys.length === 1 ? keys[0] : null;
  }

  function single(op, args) {
    var node = {};
    node[op] = args;
    return node;
  }

  function clone(value) {
    return value === undefined ? null : JSON.parse(JSON.stringify(value));
  }

  function deepEqual(a, b) {
    if (a === b) {
      return true;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      return a.length === b.length && a.every(function (item, i) { return deepEqual(item, b[i]); });
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      var keys = Object.keys(a);
      return keys.length === Object.keys(b).length &&
        keys.every(function (key) { return has(b, key) && deepEqual(a[key], b[key]); });
    }
    return false;
  }

  function unique(list) {
    return list.filter(function (item, i) { return list.indexOf(item) === i; });
  }

  function fmt(text, params) {
    return String(text).replace(/%\((\w+)\)s/g, function (whole, name) {
      return has(params, name) ? String(params[name]) : whole;
    });
  }

  function textOf(value) {
    if (isPlainObject(value)) { // a bilingual text the page forgot to localise
      return String(value.vi || value.en || "");
    }
    return value === undefined || value === null ? "" : String(value);
  }

  /* h("select", {"class": "x", id: "y", onchange: fn}, [children]) */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (key === "text") {
        node.textContent = value;
      } else if (key.slice(0, 2) === "on") {
        node.addEventListener(key.slice(2), value);
      } else if (key === "value" || key === "checked" || key === "hidden" || key === "disabled" ||
                 key === "selected") {
        node[key] = value;
      } else {
        node.setAttribute(key, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  /* ---- fields --------------------------------------------------------------------------------- */

  function kindOf(field) {
    if (has(KIND_OF_TYPE, field.type)) {
      return KIND_OF_TYPE[field.type];
    }
    return NOT_GUIDED.indexOf(field.type) >= 0 ? null : "text";
  }

  /* Column totals of the grids among `fields` (those that carry their columns) as formula operands. */
  function gridTotals(ctx, field, messages) {
    (Array.isArray(field.columns) ? field.columns : []).forEach(function (column) {
      if (!column || GRID_NUMBERS.indexOf(column.type) < 0 || typeof column.name !== "string") {
        return;
      }
      var token = "total:" + field.name + ":" + column.name;
      ctx.totals[token] = {grid: field.name, column: column.name, addable: Boolean(field.addable_rows),
        rows: (field.rows || []).map(function (r) { return typeof r === "string" ? r : r.key; })};
      ctx.totalList.push(token);
      ctx.labels[token] = fmt((messages || DEFAULT_MESSAGES).total_of,
        {column: textOf(column.label) || column.name, grid: textOf(field.label) || field.name});
    });
  }

  function makeContext(fields, messages) {
    var ctx = {all: {}, byName: {}, list: [], numeric: {}, numericList: [], labels: {}, totals: {}, totalList: []};
    var seen = {};
    (fields || []).forEach(function (field) {
      if (!field || typeof field.name !== "string" || !field.name || has(ctx.all, field.name)) {
        return;
      }
      ctx.all[field.name] = field;
      var label = textOf(field.label) || field.name;
      seen[label] = (seen[label] || 0) + 1;
      if (kindOf(field)) {
        ctx.byName[field.name] = field;
        ctx.list.push(field);
      }
      if (FORMULA_TYPES.indexOf(field.type) >= 0) {
        ctx.numeric[field.name] = field;
        ctx.numericList.push(field);
      }
    });
    Object.keys(ctx.all).forEach(function (name) {
      var label = textOf(ctx.all[name].label) || name;
      ctx.labels[name] = seen[label] > 1 && label !== name ? label + " (" + name + ")" : label;
      if (ctx.all[name].type === "grid") {
        gridTotals(ctx, ctx.all[name], messages);
      }
    });
    return ctx;
  }

  function optionsOf(field) {
    return (field.options || []).filter(function (o) { return o && typeof o.value === "string"; });
  }

  function hasOption(field, value) {
    return optionsOf(field).some(function (o) { return o.value === value; });
  }

  function optionLabel(field, value) {
    var found = optionsOf(field).filter(function (o) { return o.value === value; })[0];
    return found ? textOf(found.label) || value : value;
  }

  /* ---- conditions: state <-> JSON Logic --------------------------------------------------------- */

  function widgetOf(kind, op) {
    if (op === "answered" || op === "unanswered") {
      return "none";
    }
    if (op === "in") {
      return "checks";
    }
    if (kind === "choice" || kind === "multi") {
      return "options";
    }
    return kind === "yes_no" ? "yesno" : kind; // number, date, text
  }

  /* The JSON literal a row's text stands for, or undefined while it is not a usable value. */
  function literalOf(kind, field, text) {
    var raw = text === undefined || text === null ? "" : String(text);
    if (kind === "number") {
      var number = raw.trim() === "" ? NaN : Number(raw.trim());
      return isFinite(number) ? number : undefined;
    }
    if (kind === "yes_no") {
      return raw === "true" ? true : (raw === "false" ? false : undefined);
    }
    if (kind === "date") {
      return DATE.test(raw) ? raw : undefined;
    }
    if (kind === "choice" || kind === "multi") {
      return hasOption(field, raw) ? raw : undefined;
    }
    return raw.trim() === "" ? undefined : raw.trim(); // the fill page trims text answers too
  }

  /* {logic}, {blank: true} for a row without a field, or {incomplete: true}. */
  function rowLogic(row, ctx) {
    var field = ctx.byName[row.field];
    if (!row.field || !field) {
      return {blank: true};
    }
    var kind = kindOf(field);
    var ref = {"var": field.name};
    var nullSafe = NULL_SAFE_KINDS.indexOf(kind) >= 0;
    if (OPERATORS[kind].indexOf(row.op) < 0) {
      return {incomplete: true};
    }
    if (row.op === "answered") {
      return {logic: nullSafe ? {"!=": [ref, null]} : {"!!": ref}};
    }
    if (row.op === "unanswered") {
      return {logic: nullSafe ? {"==": [ref, null]} : {"!": ref}};
    }
    if (row.op === "in") {
      var values = unique(row.values.filter(function (v) { return hasOption(field, v); }));
      return values.length ? {logic: {"in": [ref, values]}} : {incomplete: true};
    }
    if (row.op === "includes" || row.op === "excludes") {
      if (!hasOption(field, row.value)) {
        return {incomplete: true};
      }
      var test = {"in": [row.value, ref]};
      return {logic: row.op === "includes" ? test : {"!": test}};
    }
    var literal = literalOf(kind, field, row.value);
    if (literal === undefined) {
      return {incomplete: true};
    }
    var op = kind === "yes_no" ? (row.op === "eq" ? "===" : "!==") : COMPARISONS[row.op];
    return {logic: single(op, [ref, literal])};
  }

  function combine(join, parts) {
    return parts.length === 1 ? parts[0] : single(join, parts);
  }

  function collect(rows, ctx, result) {
    var parts = [];
    rows.forEach(function (row) {
      var out = rowLogic(row, ctx);
      if (out.incomplete) {
        result.incomplete = true;
      } else if (!out.blank) {
        parts.push(out.logic);
      }
    });
    return parts;
  }

  function conditionResult(state, ctx) {
    var result = {incomplete: false, value: null};
    var parts = [];
    state.items.forEach(function (item) {
      var inner = collect(item.kind === "group" ? item.rows : [item], ctx, result);
      if (inner.length) {
        parts.push(item.kind === "group" ? combine(item.join, inner) : inner[0]);
      }
    });
    result.value = parts.length ? combine(state.join, parts) : null;
    return result;
  }

  function varName(node) {
    return opOf(node) === "var" && typeof node["var"] === "string" ? node["var"] : null;
  }

  function newRow(id, props) {
    var row = {kind: "row", id: id, field: "", op: "", value: "", values: []};
    Object.keys(props || {}).forEach(function (key) { row[key] = props[key]; });
    return row;
  }

  function readRow(node) {
    var op = opOf(node);
    var args = op ? node[op] : null;
    if (op === "!!" || op === "!") {
      if (varName(args) !== null) {
        return {field: varName(args), op: op === "!!" ? "answered" : "unanswered"};
      }
      var inner = op === "!" ? readRow(args) : null;
      return inner && inner.op === "includes" ? {field: inner.field, op: "excludes", value: inner.value} : null;
    }
    if (!Array.isArray(args) || args.length !== 2) {
      return null;
    }
    var name = varName(args[0]);
    var literal = args[1];
    if (op === "in") {
      if (name !== null && Array.isArray(literal)) {
        return {field: name, op: "in", values: literal.slice()};
      }
      return typeof args[0] === "string" && varName(literal) !== null ?
        {field: varName(literal), op: "includes", value: args[0]} : null;
    }
    if (name === null) {
      return null;
    }
    if (literal === null && (op === "==" || op === "!=")) {
      return {field: name, op: op === "!=" ? "answered" : "unanswered"};
    }
    if ((op === "===" || op === "!==") && typeof literal === "boolean") {
      return {field: name, op: op === "===" ? "eq" : "ne", value: String(literal)};
    }
    if (has(FROM_COMPARISON, op) && (typeof literal === "string" || typeof literal === "number")) {
      return {field: name, op: FROM_COMPARISON[op], value: String(literal)};
    }
    return null;
  }

  /* A row for `node` if the guided editor writes exactly `node` back, else null. */
  function parseRow(node, ctx, nextId) {
    var props = readRow(node);
    if (!props || !has(ctx.byName, props.field)) {
      return null;
    }
    var row = newRow(nextId(), props);
    var out = rowLogic(row, ctx);
    return out.logic !== undefined && deepEqual(out.logic, node) ? row : null;
  }

  function parseJoined(node) {
    var op = opOf(node);
    return (op === "and" || op === "or") && Array.isArray(node[op]) && node[op].length >= 2 ? op : null;
  }

  function parseCondition(value, ctx, nextId) {
    if (value === null || value === undefined) {
      return {join: "and", items: []};
    }
    var join = parseJoined(value);
    var nodes = join ? value[join] : [value];
    var items = [];
    for (var i = 0; i < nodes.length; i += 1) {
      var item = parseRow(nodes[i], ctx, nextId);
      var groupJoin = item || !join ? null : parseJoined(nodes[i]);
      if (groupJoin) {
        var rows = nodes[i][groupJoin].map(function (n) { return parseRow(n, ctx, nextId); });
        item = rows.indexOf(null) < 0 ? {kind: "group", id: nextId(), join: groupJoin, rows: rows} : null;
      }
      if (!item) {
        return null;
      }
      items.push(item);
    }
    var state = {join: join || "and", items: items};
    return deepEqual(conditionResult(state, ctx).value, value) ? state : null;
  }

  /* ---- formulas: state <-> JSON Logic ----------------------------------------------------------- */

  /* op: a FORMULA_OPS name; fields: operands of sum/average; a, b: operands of the others; an operand is a
     field name, a grid total ("total:<grid>:<column>") or CONST with its number in aValue / bValue;
     scale: "" or a SCALES key, then the result is multiplied or divided by `factor`. */
  function emptyFormula() {
    return {op: "", fields: [], a: "", b: "", aValue: "", bValue: "", scale: "", factor: ""};
  }

  function numberOf(text) {
    var trimmed = String(text === undefined || text === null ? "" : text).trim();
    return trimmed !== "" && isFinite(Number(trimmed)) ? Number(trimmed) : null;
  }

  /* A grid's column total: the cells of its fixed rows added (a blank counts as 0), or a reduce over
     the rows of an addable grid — plain JSON Logic, so the server and the browser agree. */
  function totalLogic(total) {
    if (total.addable) {
      return {"reduce": [{"var": total.grid},
        {"+": [{"var": "accumulator"}, {"var": ["current." + total.column, 0]}]}, 0]};
    }
    return {"+": total.rows.map(function (key) { return {"var": [total.grid + "." + key + "." + total.column, 0]}; })};
  }

  function operandLogic(token, number, ctx, defaulted) {
    if (token === CONST) {
      return numberOf(number);
    }
    if (has(ctx.totals, token)) {
      return totalLogic(ctx.totals[token]);
    }
    if (has(ctx.numeric, token)) {
      return defaulted ? {"var": [token, 0]} : {"var": token};
    }
    return null;
  }

  function innerResult(state, ctx) {
    if (MULTI_FORMULAS.indexOf(state.op) >= 0) {
      var names = unique(state.fields.filter(function (n) { return operandLogic(n, null, ctx, true) !== null; }));
      if (!names.length) {
        return null;
      }
      // A blank answer counts as 0, as in the library's totals ({"var": [name, 0]}).
      var sum = {"+": names.map(function (n) { return operandLogic(n, null, ctx, true); })};
      return state.op === "sum" ? sum : {"/": [sum, names.length]};
    }
    var a = operandLogic(state.a, state.aValue, ctx, false);
    var b = operandLogic(state.b, state.bValue, ctx, false);
    if (a === null || b === null) {
      return null;
    }
    var pair = [a, b];
    return {
      difference: {"-": pair},
      product: {"*": pair},
      ratio: {"/": pair},
      percentage: {"*": [{"/": pair}, 100]}
    }[state.op];
  }

  function formulaResult(state, ctx) {
    if (!state.op) {
      return {incomplete: false, value: null};
    }
    var value = innerResult(state, ctx);
    var factor = numberOf(state.factor);
    if (value === null || (state.scale && factor === null)) {
      return {incomplete: true, value: null};
    }
    return {incomplete: false, value: state.scale ? single(SCALES[state.scale], [value, factor]) : value};
  }

  function defaultedName(node) {
    var args = opOf(node) === "var" ? node["var"] : null;
    return Array.isArray(args) && args.length === 2 && typeof args[0] === "string" && args[1] === 0 ? args[0] : null;
  }

  /* The "total:<grid>:<column>" a grid-total shape stands for (checked later by regenerating it). */
  function totalToken(node) {
    var op = opOf(node);
    var args = op ? node[op] : null;
    if (op === "reduce" && Array.isArray(args) && varName(args[0]) && opOf(args[1]) === "+") {
      var cellPath = defaultedName((args[1]["+"] || [])[1]) || "";
      return cellPath.indexOf("current.") === 0 ? "total:" + varName(args[0]) + ":" + cellPath.slice(8) : null;
    }
    var parts = op === "+" && Array.isArray(args) && args.length ? String(defaultedName(args[0]) || "").split(".") : [];
    return parts.length === 3 ? "total:" + parts[0] + ":" + parts[2] : null;
  }

  function operandOf(node, defaulted) {
    if (typeof node === "number") {
      return {token: CONST, value: String(node)};
    }
    var name = defaulted ? defaultedName(node) : varName(node);
    var token = name || totalToken(node);
    return token ? {token: token, value: ""} : null;
  }

  function readInner(value) {
    var op = opOf(value);
    var args = op ? value[op] : null;
    var sumArgs = op === "+" ? args : (op === "/" && Array.isArray(args) && opOf(args[0]) === "+" ? args[0]["+"] : null);
    var found = [];
    if (Array.isArray(sumArgs)) {
      var picked = sumArgs.map(function (n) { return operandOf(n, true); });
      if (picked.every(function (o) { return o && o.token !== CONST; })) {
        found.push(assignState({op: op === "+" ? "sum" : "average", fields: picked.map(function (o) { return o.token; })}));
      }
    }
    if (op === "*" && Array.isArray(args) && opOf(args[0]) === "/" && args[1] === 100) {
      var percent = pairOf(args[0]["/"]);
      if (percent) {
        found.push(assignState({op: "percentage", a: percent[0].token, aValue: percent[0].value,
          b: percent[1].token, bValue: percent[1].value}));
      }
    }
    var pair = pairOf(args);
    var name = {"-": "difference", "*": "product", "/": "ratio"}[op];
    if (pair && name) {
      found.push(assignState({op: name, a: pair[0].token, aValue: pair[0].value, b: pair[1].token, bValue: pair[1].value}));
    }
    return found;
  }

  function assignState(props) {
    var state = emptyFormula();
    Object.keys(props).forEach(function (key) { state[key] = props[key]; });
    return state;
  }

  function pairOf(args) {
    if (!Array.isArray(args) || args.length !== 2) {
      return null;
    }
    var a = operandOf(args[0], false);
    var b = operandOf(args[1], false);
    return a && b ? [a, b] : null;
  }

  /* Every reading of a formula the guided editor could show: plain, or a calculation then scaled. */
  function readFormula(value) {
    var found = readInner(value);
    var op = opOf(value);
    var args = op ? value[op] : null;
    var scale = op === "*" ? "times" : (op === "/" ? "divide" : "");
    if (scale && Array.isArray(args) && args.length === 2 && typeof args[1] === "number" && opOf(args[0]) &&
        opOf(args[0]) !== "var") {
      readInner(args[0]).forEach(function (state) {
        state.scale = scale;
        state.factor = String(args[1]);
        found.push(state);
      });
    }
    return found;
  }

  // The designer seeds a new calculated value with this constant 0 (a formula is required): no formula yet.
  var PLACEHOLDER_FORMULA = {"+": [0]};

  function parseFormula(value, ctx) {
    if (value === null || value === undefined || deepEqual(value, PLACEHOLDER_FORMULA)) {
      return emptyFormula();
    }
    var readings = readFormula(value).filter(function (state) {
      return deepEqual(formulaResult(state, ctx).value, value);
    });
    return readings.length ? readings[0] : null;
  }

  /* ---- checks: {comparison: [left, right]}, each side one operand or the sum of several -------------- */

  /* A cross-field check compares two sums of answers (fields, grid totals) and numbers. Its variables
     carry no default, so the check waits until every figure it reads is filled in (crosschecks.py). A
     new check holds the constant true until both sides are picked. */
  function emptySide() {
    return {items: [], number: ""};
  }

  function emptyCheck() {
    return {left: emptySide(), cmp: "eq", right: emptySide()};
  }

  function sideLogic(side, ctx) {
    var terms = side.items.map(function (token) { return operandLogic(token, null, ctx, false); });
    var number = numberOf(side.number);
    if (String(side.number).trim() !== "" && number === null) {
      return null;
    }
    terms = number === null ? terms : terms.concat([number]);
    if (!terms.length || terms.some(function (term) { return term === null; })) {
      return null;
    }
    return terms.length === 1 ? terms[0] : {"+": terms};
  }

  function checkResult(state, ctx) {
    var blank = function (side) { return !side.items.length && String(side.number).trim() === ""; };
    if (blank(state.left) && blank(state.right)) {
      return {incomplete: false, value: null};
    }
    var left = sideLogic(state.left, ctx);
    var right = sideLogic(state.right, ctx);
    if (left === null || right === null) {
      return {incomplete: true, value: null};
    }
    return {incomplete: false, value: single(COMPARISONS[state.cmp], [left, right])};
  }

  function readSide(node) {
    var readings = [];
    var args = opOf(node) === "+" ? node["+"] : null;
    if (Array.isArray(args) && args.length > 1) {
      var parts = args.map(function (n) { return operandOf(n, false); });
      if (parts.every(Boolean)) {
        var side = emptySide();
        parts.forEach(function (part, i) {
          if (part.token === CONST && i === parts.length - 1) {
            side.number = part.value;
          } else {
            side.items.push(part.token);
          }
        });
        readings.push(side);
      }
    }
    var one = operandOf(node, false);
    if (one) {
      readings.push(one.token === CONST ? {items: [], number: one.value} : {items: [one.token], number: ""});
    }
    return readings;
  }

  function parseCheck(value, ctx) {
    if (value === null || value === undefined || value === true) {
      return emptyCheck();
    }
    var op = opOf(value);
    var args = op ? value[op] : null;
    if (!has(FROM_COMPARISON, op) || !Array.isArray(args) || args.length !== 2) {
      return null;
    }
    var found = null;
    readSide(args[0]).forEach(function (left) {
      readSide(args[1]).forEach(function (right) {
        var state = {left: left, cmp: FROM_COMPARISON[op], right: right};
        if (!found && deepEqual(checkResult(state, ctx).value, value)) {
          found = state;
        }
      });
    });
    return found;
  }

  /* ---- the JSON view: syntax position and rule checks ------------------------------------------ */

  /* Offset of the first JSON syntax error in `text` (text.length when it ends too early). */
  function syntaxErrorAt(text) {
    var i = 0;
    var n = text.length;
    var NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    function fail() { throw {at: i}; }
    function space() {
      while (i < n && " \t\n\r".indexOf(text.charAt(i)) >= 0) { i += 1; }
    }
    function string() {
      i += 1;
      while (i < n) {
        var c = text.charAt(i);
        if (c === "\"") { i += 1; return; }
        if (c < " ") { fail(); }
        if (c === "\\") {
          i += 1;
          if (text.charAt(i) === "u") {
            if (!/^[0-9a-fA-F]{4}$/.test(text.substr(i + 1, 4))) { i += 1; fail(); }
            i += 4;
          } else if ("\"\\/bfnrt".indexOf(text.charAt(i)) < 0 || i >= n) { fail(); }
        }
        i += 1;
      }
      fail();
    }
    function sequence(close, item) {
      i += 1;
      space();
      if (text.charAt(i) === close) { i += 1; return; }
      for (;;) {
        item();
        space();
        if (text.charAt(i) === ",") { i += 1; continue; }
        if (text.charAt(i) === close) { i += 1; return; }
        fail();
      }
    }
    function member() {
      space();
      if (text.charAt(i) !== "\"") { fail(); }
      string();
      space();
      if (text.charAt(i) !== ":") { fail(); }
      i += 1;
      value();
    }
    function value() {
      space();
      var c = text.charAt(i);
      if (c === "{") { return sequence("}", member); }
      if (c === "[") { return sequence("]", value); }
      if (c === "\"") { return string(); }
      var words = ["true", "false", "null"];
      for (var w = 0; w < words.length; w += 1) {
        if (text.substr(i, words[w].length) === words[w]) { i += words[w].length; return; }
      }
      NUMBER.lastIndex = i;
      var match = NUMBER.exec(text);
      if (!match || !match[0]) { fail(); }
      i += match[0].length;
    }
    try {
      value();
      space();
      if (i < n) { fail(); }
    } catch (e) {
      return e && typeof e.at === "number" ? Math.min(e.at, n) : n;
    }
    return n;
  }

  function lineAndColumn(text, offset) {
    var before = text.slice(0, offset).split("\n");
    return {line: before.length, column: before[before.length - 1].length + 1};
  }

  /* Problems of a parsed rule as [key, params] pairs: shape, operators, variables (as rule_vars()). */
  function ruleProblems(value, kind, ctx) {
    var problems = [];
    function add(key, params) {
      var id = key + JSON.stringify(params || {});
      if (!problems.some(function (p) { return p.id === id; })) {
        problems.push({id: id, key: key, params: params || {}});
      }
    }
    function checkVar(args) {
      var name = Array.isArray(args) ? args[0] : args;
      if (typeof name === "string" && name !== "") {
        var first = name.split(".")[0];
        if (!has(ctx.all, first) && LOOP_VARIABLES.indexOf(first) < 0) {
          add("err_unknown_field", {name: first});
        }
      }
    }
    function walk(node, readsData) {
      if (Array.isArray(node)) {
        node.forEach(function (item) { walk(item, readsData); });
        return;
      }
      if (!isPlainObject(node)) {
        return;
      }
      var keys = Object.keys(node);
      if (keys.length !== 1) {
        add("err_not_operation", {keys: keys.length ? keys.join(", ") : "–"});
        keys.forEach(function (key) { walk(node[key], readsData); });
        return;
      }
      var op = keys[0];
      var args = node[op];
      if (KNOWN_OPERATORS.indexOf(op) < 0) {
        add("err_unknown_operator", {operator: op});
      }
      if (op === "var" && readsData) {
        checkVar(args);
      }
      if (SCOPED_OPERATORS.indexOf(op) >= 0 && Array.isArray(args)) {
        walk(args[0], readsData);
        walk(args.slice(1), false);
      } else {
        walk(args, readsData);
      }
    }
    if (value !== null) {
      var allowed = kind === "formula" ? isPlainObject(value) : isPlainObject(value) || typeof value === "boolean";
      if (!allowed) {
        add(kind === "formula" ? "err_formula_type" : "err_condition_type");
      }
      walk(value, true);
    }
    return problems;
  }

  /* ---- the editor ------------------------------------------------------------------------------- */

  function create(container, options) {
    if (!container || !container.appendChild) {
      throw new Error("FPRuleEditor.create needs a container element");
    }
    var opts = options || {};
    var kind = opts.kind === "formula" || opts.kind === "check" ? opts.kind : "condition";
    instances += 1;
    var prefix = opts.idPrefix || "fp-re-" + instances;
    var purpose = PURPOSES.indexOf(opts.purpose) >= 0 ? opts.purpose : kind;
    var onChange = typeof opts.onChange === "function" ? opts.onChange : function () {};
    var messages = {};
    Object.keys(DEFAULT_MESSAGES).forEach(function (key) { messages[key] = DEFAULT_MESSAGES[key]; });
    Object.keys(opts.messages || {}).forEach(function (key) { messages[key] = String(opts.messages[key]); });

    var ctx = makeContext(opts.fields, messages);
    var uid = 0;
    var current = null;   // the last valid rule: what onChange last reported, what get() returns
    var valid = true;
    var mode = "guided";
    var cond = {join: "and", items: []};
    var formula = emptyFormula();
    var check = emptyCheck();
    var guidedFromJson = null;  // in the JSON view: the guided state the text stands for, if any
    var hints = {};             // row id -> {hint, control} for the "complete this condition" notes
    var destroyed = false;

    function t(key, params) {
      return fmt(has(messages, key) ? messages[key] : key, params || {});
    }

    function nextId() {
      uid += 1;
      return uid;
    }

    /* ---- fixed chrome: toolbar, guided box, JSON box, summary ---- */

    var rootEl = h("div", {"class": "fp-re fp-re--" + kind});
    var toggle = h("button", {type: "button", id: prefix + "-toggle", "class": "fp-re-button fp-re-toggle",
      "aria-describedby": prefix + "-toggle-note", onclick: onToggle});
    var note = h("p", {"class": "fp-re-note", id: prefix + "-toggle-note", hidden: true});
    var guidedBox = h("div", {"class": "fp-re-guided"});
    var textarea = h("textarea", {"class": "fp-re-input fp-re-textarea", id: prefix + "-json", rows: 10,
      spellcheck: "false", autocomplete: "off", autocapitalize: "off",
      "aria-describedby": prefix + "-json-help " + prefix + "-json-errors", oninput: onJsonInput});
    var errorsBox = h("div", {"class": "fp-re-errors", id: prefix + "-json-errors", "aria-live": "polite"});
    var advancedBox = h("div", {"class": "fp-re-advanced", hidden: true}, [
      h("label", {"class": "fp-re-label", "for": prefix + "-json", text: t("json_label")}),
      h("p", {"class": "fp-re-help", id: prefix + "-json-help", text: t("json_help")}),
      textarea,
      errorsBox
    ]);
    var summary = h("p", {"class": "fp-re-summary", id: prefix + "-summary"});
    rootEl.appendChild(h("div", {"class": "fp-re-toolbar"}, [toggle, note]));
    rootEl.appendChild(guidedBox);
    rootEl.appendChild(advancedBox);
    rootEl.appendChild(summary);
    container.appendChild(rootEl);

    /* ---- shared control builders ---- */

    function labelFor(id, text, hiddenLabel) {
      return h("label", {"for": id, "class": hiddenLabel ? "fp-re-sr" : "fp-re-label", text: text});
    }

    function selectEl(id, choices, selected, onchange) {
      var select = h("select", {id: id, "class": "fp-re-input fp-re-select", onchange: onchange},
        choices.map(function (c) { return h("option", {value: c.value, text: c.label}); }));
      select.value = selected || "";
      return select;
    }

    function findById(box, id) {
      var all = box.querySelectorAll("[id]");
      for (var i = 0; i < all.length; i += 1) {
        if (all[i].id === id) {
          return all[i];
        }
      }
      return null;
    }

    function cell(name, id, label, control, hiddenLabel) {
      return h("div", {"class": "fp-re-cell fp-re-cell--" + name}, [labelFor(id, label, hiddenLabel), control]);
    }

    function button(id, text, onclick, variant, ariaLabel) {
      return h("button", {type: "button", id: id, "class": "fp-re-button fp-re-button--" + variant,
        "aria-label": ariaLabel, onclick: onclick, text: text});
    }

    function checkList(idBase, legend, choices, picked, onToggle, hiddenLegend) {
      return h("fieldset", {"class": "fp-re-cell fp-re-cell--value fp-re-picks"}, [
        h("legend", {"class": hiddenLegend ? "fp-re-sr" : "fp-re-label", text: legend}),
        h("div", {"class": "fp-re-checks"}, choices.map(function (c, i) {
          var id = idBase + "-" + i;
          return h("div", {"class": "fp-re-check"}, [
            h("input", {type: "checkbox", id: id, value: c.value, checked: picked.indexOf(c.value) >= 0,
              onchange: function (event) { onToggle(c.value, event.target.checked); }}),
            h("label", {"for": id, text: c.label})
          ]);
        }))
      ]);
    }

    function toggled(list, value, on) {
      var i = list.indexOf(value);
      if (on && i < 0) {
        list.push(value);
      } else if (!on && i >= 0) {
        list.splice(i, 1);
      }
    }

    function fieldChoices(list, placeholder) {
      return [{value: "", label: placeholder}].concat(list.map(function (f) {
        return {value: f.name, label: ctx.labels[f.name]};
      }));
    }

    /* ---- condition rows ---- */

    function opLabel(fieldKind, op) {
      return t("op_" + (fieldKind === "date" && has(DATE_WORDS, op) ? DATE_WORDS[op] : op));
    }

    function setField(row, name) {
      var field = ctx.byName[name];
      row.field = field ? name : "";
      if (!field) {
        row.op = "";
      } else if (OPERATORS[kindOf(field)].indexOf(row.op) < 0) {
        row.op = OPERATORS[kindOf(field)][0];
      }
      row.value = "";
      row.values = [];
    }

    function setOp(row, op) {
      var field = ctx.byName[row.field];
      var before = widgetOf(kindOf(field), row.op);
      row.op = op;
      var after = widgetOf(kindOf(field), op);
      if (after !== before) {  // carry a picked option over between "equals" and "is one of"
        var value = before === "checks" && after === "options" ? row.values[0] || "" : "";
        row.values = before === "options" && after === "checks" && row.value ? [row.value] : [];
        row.value = value;
      }
    }

    function valueControl(row, field, fieldKind, widget, id, number) {
      function store(event) {
        row.value = event.target.value;
        guidedChanged();
      }
      if (widget === "checks") {
        var choices = optionsOf(field).map(function (o) { return {value: o.value, label: textOf(o.label) || o.value}; });
        return checkList(id, t("condition_n", {number: number}) + ": " + t("values"), choices, row.values,
          function (value, on) { toggled(row.values, value, on); guidedChanged(); }, true);
      }
      var control;
      if (widget === "options" || widget === "yesno") {
        var choices2 = widget === "yesno" ? [{value: "true", label: t("yes")}, {value: "false", label: t("no")}] :
          optionsOf(field).map(function (o) { return {value: o.value, label: textOf(o.label) || o.value}; });
        control = selectEl(id, [{value: "", label: t("choose_value")}].concat(choices2), row.value, store);
      } else {
        control = h("input", {id: id, "class": "fp-re-input fp-re-input--" + widget, value: row.value,
          type: widget === "number" ? "number" : (widget === "date" ? "date" : "text"),
          step: widget === "number" ? "any" : null, inputmode: widget === "number" ? "decimal" : null,
          autocomplete: "off", oninput: store, onchange: store});
      }
      return cell("value", id, t("value"), control, true);
    }

    function renderRow(row, number, removeFn) {
      var base = prefix + "-c" + row.id;
      var field = ctx.byName[row.field];
      var fieldKind = field ? kindOf(field) : null;
      var box = h("div", {"class": "fp-re-row", role: "group", "aria-label": t("condition_n", {number: number})});
      box.appendChild(cell("field", base + "-field", t("field"),
        selectEl(base + "-field", fieldChoices(ctx.list, t("choose_field")), row.field, function (event) {
          setField(row, event.target.value);
          rerender(base + "-field");
        }), true));
      var control = null;
      if (field) {
        box.appendChild(cell("op", base + "-op", t("operator"), selectEl(base + "-op",
          OPERATORS[fieldKind].map(function (op) { return {value: op, label: opLabel(fieldKind, op)}; }),
          row.op, function (event) { setOp(row, event.target.value); rerender(base + "-op"); }), true));
        var widget = widgetOf(fieldKind, row.op);
        if (widget !== "none") {
          box.appendChild(valueControl(row, field, fieldKind, widget, base + "-value", number));
          control = findById(box, base + "-value");
        }
      }
      box.appendChild(button(base + "-remove", t("remove"), removeFn, "remove",
        t("remove_condition", {number: number})));
      var hint = h("p", {"class": "fp-re-hint", id: base + "-hint", hidden: true, text: t("incomplete")});
      box.appendChild(hint);
      if (control) {
        control.setAttribute("aria-describedby", base + "-hint");
      }
      hints[row.id] = {hint: hint, control: control, row: row};
      return box;
    }

    function joinWord(join) {
      return h("span", {"class": "fp-re-joinword", "aria-hidden": "true", text: t("word_" + join)});
    }

    function joinControl(id, label, join, onchange) {
      return h("div", {"class": "fp-re-join"}, [
        labelFor(id, label, false),
        selectEl(id, [{value: "and", label: t("all")}, {value: "or", label: t("any")}], join, onchange)
      ]);
    }

    function renderGroup(group, number, removeFn) {
      var base = prefix + "-g" + group.id;
      var box = h("fieldset", {"class": "fp-re-group"}, [h("legend", {"class": "fp-re-group-title",
        text: t("group_n", {number: number})})]);
      var join = joinControl(base + "-join", t("group_join_label", {number: number}), group.join, function (event) {
        group.join = event.target.value;
        rerender(base + "-join");
      });
      join.hidden = group.rows.length < 2;
      box.appendChild(join);
      var list = h("ol", {"class": "fp-re-list"});
      group.rows.forEach(function (row, i) {
        list.appendChild(h("li", {"class": "fp-re-item"}, [i ? joinWord(group.join) : null,
          renderRow(row, number + "." + (i + 1), function () {
            group.rows.splice(i, 1);
            if (!group.rows.length) {  // an empty group goes too
              cond.items.splice(cond.items.indexOf(group), 1);
            }
            rerender(group.rows.length ? base + "-add" : prefix + "-add");
          })]));
      });
      box.appendChild(list);
      box.appendChild(h("div", {"class": "fp-re-actions"}, [
        button(base + "-add", t("add_condition"), function () {
          var row = newRow(nextId());
          group.rows.push(row);
          rerender(prefix + "-c" + row.id + "-field");
        }, "add", t("add_condition_to_group", {number: number})),
        button(base + "-remove", t("remove_group", {number: number}), removeFn, "remove")
      ]));
      return box;
    }

    function renderCondition(box) {
      if (!ctx.list.length) {
        box.appendChild(h("p", {"class": "fp-re-empty", text: t("no_fields")}));
        return;
      }
      var join = joinControl(prefix + "-join", t("join_label"), cond.join, function (event) {
        cond.join = event.target.value;
        rerender(prefix + "-join");
      });
      join.hidden = cond.items.length < 2;
      box.appendChild(join);
      if (!cond.items.length) {
        box.appendChild(h("p", {"class": "fp-re-empty", text: t("no_conditions")}));
      }
      var list = h("ol", {"class": "fp-re-list"});
      cond.items.forEach(function (item, i) {
        var number = String(i + 1);
        var remove = function () {
          cond.items.splice(i, 1);
          rerender(prefix + "-add");
        };
        list.appendChild(h("li", {"class": "fp-re-item"}, [i ? joinWord(cond.join) : null,
          item.kind === "group" ? renderGroup(item, number, remove) : renderRow(item, number, remove)]));
      });
      box.appendChild(list);
      box.appendChild(h("div", {"class": "fp-re-actions"}, [
        button(prefix + "-add", t("add_condition"), function () {
          var row = newRow(nextId());
          cond.items.push(row);
          rerender(prefix + "-c" + row.id + "-field");
        }, "add"),
        button(prefix + "-add-group", t("add_group"), function () {
          var row = newRow(nextId());
          cond.items.push({kind: "group", id: nextId(), join: "or", rows: [row]});
          rerender(prefix + "-c" + row.id + "-field");
        }, "add")
      ]));
    }

    /* ---- formula ---- */

    function setFormulaOp(op) {
      var wasMulti = MULTI_FORMULAS.indexOf(formula.op) >= 0;
      var isMulti = MULTI_FORMULAS.indexOf(op) >= 0;
      if (formula.op && wasMulti && !isMulti && !formula.a && !formula.b) {
        formula.a = formula.fields[0] || "";
        formula.b = formula.fields[1] || "";
      } else if (formula.op && !wasMulti && isMulti && !formula.fields.length) {
        formula.fields = unique([formula.a, formula.b].filter(function (x) { return x && x !== CONST; }));
      }
      formula.op = op;
    }

    /* Number fields and calculated values, then the grids' column totals. */
    function operandChoices() {
      return ctx.numericList.map(function (f) { return {value: f.name, label: ctx.labels[f.name]}; })
        .concat(ctx.totalList.map(function (token) { return {value: token, label: ctx.labels[token]}; }));
    }

    function numberInput(id, label, key) {
      return cell("number", id, label, h("input", {id: id, "class": "fp-re-input fp-re-input--number", type: "number",
        step: "any", inputmode: "decimal", autocomplete: "off", value: formula[key],
        oninput: function (event) { formula[key] = event.target.value; guidedChanged(); }}), false);
    }

    function renderOperand(box, slot) {
      var id = prefix + "-f" + slot;
      var choices = [{value: "", label: t("choose_field")}].concat(operandChoices(),
        [{value: CONST, label: t("formula_number")}]);
      box.appendChild(cell("operand", id, t("formula_" + slot), selectEl(id, choices, formula[slot], function (event) {
        formula[slot] = event.target.value;
        rerender(id);
      }), false));
      if (formula[slot] === CONST) {
        box.appendChild(numberInput(id + "-n", t("formula_number_" + slot), slot + "Value"));
      }
    }

    function renderScale(box) {
      var id = prefix + "-fscale";
      box.appendChild(cell("scale", id, t("formula_then"), selectEl(id, [
        {value: "", label: t("scale_none")}, {value: "times", label: t("scale_times")},
        {value: "divide", label: t("scale_divide")}
      ], formula.scale, function (event) { formula.scale = event.target.value; rerender(id); }), false));
      if (formula.scale) {
        box.appendChild(numberInput(prefix + "-ffactor", t("formula_factor"), "factor"));
      }
    }

    function renderFormula(box) {
      var opId = prefix + "-fop";
      box.appendChild(cell("operation", opId, t("formula_operation"), selectEl(opId,
        [{value: "", label: t("choose_operation")}].concat(FORMULA_OPS.map(function (op) {
          return {value: op, label: t("fop_" + op)};
        })), formula.op, function (event) { setFormulaOp(event.target.value); rerender(opId); }), false));
      if (!operandChoices().length) {
        box.appendChild(h("p", {"class": "fp-re-empty", text: t("no_numeric_fields")}));
        return;
      }
      if (MULTI_FORMULAS.indexOf(formula.op) >= 0) {
        box.appendChild(checkList(prefix + "-fpick", t("formula_fields"), operandChoices(), formula.fields, function (name, on) {
          toggled(formula.fields, name, on);
          guidedChanged();
        }, false));
        box.appendChild(h("p", {"class": "fp-re-help", text: t("formula_blank_zero")}));
      } else if (formula.op) {
        renderOperand(box, "a");
        renderOperand(box, "b");
      }
      if (formula.op) {
        renderScale(box);
      }
      var hint = h("p", {"class": "fp-re-hint", id: prefix + "-formula-hint", hidden: true,
        text: t("formula_incomplete")});
      box.appendChild(hint);
      hints.formula = {hint: hint, control: null};
    }

    function renderSide(box, name) {
      var side = check[name];
      box.appendChild(checkList(prefix + "-" + name, t("check_" + name), operandChoices(), side.items, function (token, on) {
        toggled(side.items, token, on);
        guidedChanged();
      }, false));
      var id = prefix + "-" + name + "-n";
      box.appendChild(cell("number", id, t("check_number"), h("input", {id: id, "class": "fp-re-input fp-re-input--number",
        type: "number", step: "any", inputmode: "decimal", autocomplete: "off", value: side.number,
        oninput: function (event) { side.number = event.target.value; guidedChanged(); }}), false));
    }

    function renderCheck(box) {
      if (!operandChoices().length) {
        box.appendChild(h("p", {"class": "fp-re-empty", text: t("no_numeric_fields")}));
        return;
      }
      renderSide(box, "left");
      var cmpId = prefix + "-cmp";
      box.appendChild(cell("operator", cmpId, t("check_compare"), selectEl(cmpId, CHECK_COMPARISONS.map(function (c) {
        return {value: c, label: t("cmp_" + c)};
      }), check.cmp, function (event) { check.cmp = event.target.value; guidedChanged(); }), false));
      renderSide(box, "right");
      var hint = h("p", {"class": "fp-re-hint", id: prefix + "-check-hint", hidden: true, text: t("check_incomplete")});
      box.appendChild(hint);
      hints.check = {hint: hint, control: null};
    }

    function describeSide(side) {
      var parts = side.items.map(function (token) { return ctx.labels[token] || token; });
      return parts.concat(String(side.number).trim() === "" ? [] : [String(numberOf(side.number))]).join(" + ");
    }

    function describeCheck(state) {
      return describeSide(state.left) + " " + CHECK_SYMBOLS[state.cmp] + " " + describeSide(state.right);
    }

    /* ---- state changes ---- */

    function commit(value) {
      if (JSON.stringify(value) !== JSON.stringify(current)) {
        current = clone(value);
        onChange(clone(value));
      }
    }

    function guidedResult() {
      if (kind === "formula") {
        return formulaResult(formula, ctx);
      }
      return kind === "check" ? checkResult(check, ctx) : conditionResult(cond, ctx);
    }

    function showHints() {
      Object.keys(hints).forEach(function (id) {
        var entry = hints[id];
        var incomplete = entry.row ? Boolean(rowLogic(entry.row, ctx).incomplete) :
          Boolean(guidedResult().incomplete);
        entry.hint.hidden = !incomplete;
        if (entry.control) {
          entry.control.setAttribute("aria-invalid", incomplete ? "true" : "false");
        }
      });
    }

    function guidedChanged() {
      var result = guidedResult();
      valid = !result.incomplete;
      showHints();
      if (valid) {
        commit(result.value);
      }
      updateSummary();
    }

    function rerender(focusId) {
      guidedBox.textContent = "";
      hints = {};
      var box = h("div", {"class": kind === "condition" ? "fp-re-conditions" : "fp-re-" + kind});
      ({formula: renderFormula, check: renderCheck}[kind] || renderCondition)(box);
      guidedBox.appendChild(box);
      guidedChanged();
      var target = focusId ? findById(guidedBox, focusId) : null;
      if (target) {
        target.focus();
      }
    }

    function parseRule(value) {
      if (kind === "check") {
        return parseCheck(value, ctx);
      }
      return kind === "formula" ? parseFormula(value, ctx) : parseCondition(value, ctx, nextId);
    }

    function applyGuided(state) {
      if (kind === "formula") {
        formula = state;
      } else if (kind === "check") {
        check = state;
      } else {
        cond = state;
      }
    }

    /* ---- JSON view ---- */

    function readJson() {
      var text = textarea.value;
      if (text.trim() === "") {
        return {value: null, problems: []};
      }
      var value;
      try {
        value = JSON.parse(text);
      } catch (e) {
        var at = syntaxErrorAt(text);
        return {problems: [at >= text.length ? {key: "err_syntax_end", params: {}} :
          {key: "err_syntax", params: lineAndColumn(text, at)}]};
      }
      return {value: value, problems: ruleProblems(value, kind, ctx)};
    }

    function jsonChanged(emit) {
      var read = readJson();
      errorsBox.textContent = "";
      if (read.problems.length) {
        errorsBox.appendChild(h("ul", {"class": "fp-re-error-list"}, read.problems.map(function (p) {
          return h("li", {"class": "fp-re-error", text: t(p.key, p.params)});
        })));
      }
      textarea.setAttribute("aria-invalid", read.problems.length ? "true" : "false");
      valid = !read.problems.length;
      guidedFromJson = valid ? parseRule(read.value) : null;
      if (valid && emit) {
        commit(read.value);
      }
      layout();
      updateSummary();
    }

    function onJsonInput() {
      jsonChanged(true);
    }

    function showJson() {
      mode = "json";
      textarea.value = current === null ? "" : JSON.stringify(current, null, 2);
      jsonChanged(false);
    }

    function onToggle() {
      if (mode === "guided") {
        showJson();
      } else if (guidedFromJson) {
        applyGuided(guidedFromJson);
        mode = "guided";
        layout();
        rerender(null);
      }
      toggle.focus();
    }

    function layout() {
      var inJson = mode === "json";
      guidedBox.hidden = inJson;
      advancedBox.hidden = !inJson;
      toggle.textContent = inJson ? t("show_guided") : t("show_json");
      toggle.disabled = inJson && !guidedFromJson;
      toggle.setAttribute("aria-expanded", inJson ? "true" : "false");
      toggle.setAttribute("aria-controls", prefix + "-json");
      note.hidden = !toggle.disabled;
      note.textContent = valid ? t("too_complex") : t("fix_json_first");
    }

    /* ---- summary ---- */

    function quoted(text) {
      return t("quoted", {value: text});
    }

    function describeRow(row) {
      var field = ctx.byName[row.field];
      var fieldKind = kindOf(field);
      var key = "sum_" + (fieldKind === "date" && has(DATE_WORDS, row.op) ? DATE_WORDS[row.op] : row.op);
      var shown = row.value;
      if (fieldKind === "choice" || fieldKind === "multi") {
        shown = quoted(optionLabel(field, row.value));
      } else if (fieldKind === "yes_no") {
        shown = t(row.value === "true" ? "yes" : "no");
      } else if (fieldKind === "text") {
        shown = quoted(literalOf(fieldKind, field, row.value));
      } else if (fieldKind === "number") {
        shown = String(literalOf(fieldKind, field, row.value));
      }
      return t(key, {
        field: ctx.labels[field.name],
        value: shown,
        values: row.values.map(function (v) { return quoted(optionLabel(field, v)); }).join(", ")
      });
    }

    function joinText(join, parts) {
      return parts.join(" " + t("word_" + join) + " ");
    }

    function describeCondition(state) {
      return joinText(state.join, state.items.map(function (item) {
        if (item.kind !== "group") {
          return describeRow(item);
        }
        var inner = joinText(item.join, item.rows.map(describeRow));
        return item.rows.length > 1 && state.items.length > 1 ? "(" + inner + ")" : inner;
      }));
    }

    function describeFormula(state) {
      var labels = function (names) { return names.map(function (n) { return ctx.labels[n]; }); };
      var operand = function (slot) { return state[slot] === CONST ? String(numberOf(state[slot + "Value"])) : ctx.labels[state[slot]]; };
      var text;
      if (state.op === "sum") {
        text = labels(state.fields).join(" + ");
      } else if (state.op === "average") {
        text = t("sum_average", {fields: labels(state.fields).join(", ")});
      } else {
        var symbol = {difference: " − ", product: " × ", ratio: " ÷ ", percentage: " ÷ "}[state.op];
        text = operand("a") + symbol + operand("b") + (state.op === "percentage" ? " × 100" : "");
      }
      if (state.scale) {
        var grouped = state.op === "sum" || state.op === "difference" ? "(" + text + ")" : text;
        text = grouped + (state.scale === "times" ? " × " : " ÷ ") + String(numberOf(state.factor));
      }
      return text;
    }

    function updateSummary() {
      var warning = !valid;
      var text;
      if (warning) {
        text = t(mode === "json" ? "summary_errors" : "summary_incomplete");
      } else if (current === null || (kind === "check" && current === true)) {
        text = t("summary_none_" + purpose);
      } else {
        var state = kind === "condition" ? parseCondition(current, ctx, function () { return 0; }) : parseRule(current);
        var describe = {formula: describeFormula, check: describeCheck}[kind] || describeCondition;
        var rule = state ? describe(state) : t("summary_custom");
        text = t("summary_" + purpose, {rule: rule});
      }
      summary.textContent = text;
      summary.className = "fp-re-summary" + (warning ? " fp-re-summary--warning" : "");
    }

    /* ---- public API ---- */

    function set(value) {
      if (destroyed) {
        return;
      }
      current = clone(value);
      var state = parseRule(current);
      if (state) {
        applyGuided(state);
        mode = "guided";
        guidedFromJson = null;
        layout();
        rerender(null);
      } else {
        showJson();
      }
    }

    set(opts.value);

    return {
      element: rootEl,
      get: function () { return clone(current); },
      set: set,
      isValid: function () { return valid; },
      setFields: function (fields) {
        ctx = makeContext(fields, messages);
        set(current);
      },
      destroy: function () {
        destroyed = true;
        if (rootEl.parentNode) {
          rootEl.parentNode.removeChild(rootEl);
        }
      }
    };
  }

  root.FPRuleEditor = {
    create: create,
    KNOWN_OPERATORS: KNOWN_OPERATORS.slice(),
    DEFAULT_MESSAGES: DEFAULT_MESSAGES
  };
})(typeof window !== "undefined" ? window : globalThis);
