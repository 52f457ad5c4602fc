/*
 * FPRules: the form rule language (JSON Logic) in the browser, with exactly the server's semantics
 * (form_definitions/rules.py). Wraps the vendored json-logic-js 2.0.5, which must be loaded first.
 *
 * Differences from plain json-logic-js, mirrored on the server:
 *  - `/` and `%` by zero give null (not Infinity / NaN);
 *  - any non-finite number in the result becomes null, undefined becomes null, -0 becomes 0;
 *  - `var` reads own properties only, so a field named e.g. "constructor" is not found on a
 *    plain object's prototype.
 */
(function (root) {
  "use strict";

  var logic = root.jsonLogic;
  if (!logic) {
    throw new Error("rules.js needs vendor/json-logic-js/logic.js loaded first");
  }
  var hasOwn = Object.prototype.hasOwnProperty;

  logic.add_operation("/", function (a, b) {
    return Number(b) === 0 ? null : a / b;
  });
  logic.add_operation("%", function (a, b) {
    return Number(b) === 0 ? null : a % b;
  });
  logic.add_operation("var", function (a, b) {
    var notFound = b === undefined ? null : b;
    var data = this;
    if (a === undefined || a === "" || a === null) {
      return data;
    }
    var parts = String(a).split(".");
    for (var i = 0; i < parts.length; i += 1) {
      if (data === null || data === undefined) {
        return notFound;
      }
      var holder = typeof data === "object" || typeof data === "string" ? Object(data) : null;
      data = holder !== null && hasOwn.call(holder, parts[i]) ? data[parts[i]] : undefined;
      if (data === undefined) {
        return notFound;
      }
    }
    return data;
  });

  function normalize(value) {
    if (value === undefined) {
      return null;
    }
    if (typeof value === "number") {
      if (!isFinite(value)) {
        return null;
      }
      return value === 0 ? 0 : value; // -0 -> 0
    }
    if (Array.isArray(value)) {
      return value.map(normalize);
    }
    return value;
  }

  function evaluate(rule, data) {
    if (rule === undefined || rule === null || typeof rule === "boolean") {
      return rule === undefined ? null : rule;
    }
    try {
      return normalize(logic.apply(rule, data === undefined ? null : data));
    } catch (e) {
      return null;
    }
  }

  function holds(rule, data, dflt) {
    if (rule === undefined || rule === null) {
      return dflt === undefined ? true : Boolean(dflt);
    }
    return logic.truthy(evaluate(rule, data));
  }

  /* Half away from zero, like round_to() on the server. */
  function roundTo(value, decimals) {
    if (decimals === undefined || decimals === null || typeof value !== "number") {
      return value;
    }
    var factor = Math.pow(10, decimals);
    var rounded = Math.floor(Math.abs(value) * factor + 0.5) / factor;
    return normalize(value < 0 ? -rounded : rounded);
  }

  root.FPRules = {
    evaluate: evaluate,
    holds: holds,
    roundTo: roundTo,
    truthy: logic.truthy
  };
})(typeof window !== "undefined" ? window : globalThis);
