/*
 * The visual form designer: outline + palette + property panel + live preview, with autosave.
 *
 * Safety: every change is written to localStorage at once and saved to the server ~1 s later with
 * If-Match: <revision>. A 409 means someone else saved meanwhile: nothing is overwritten unless the
 * user says so. A 422 lists the problems; the local copy keeps the work. Leaving with unsaved
 * changes asks first, and what is still unsaved when the page goes is sent in a beacon (pagehide).
 */
(function () {
  "use strict";

  var M = window.FPDesignerModel;
  var el = window.FPDesignerPanel.el;
  var SAVE_DELAY = 900;
  var PREVIEW_DELAY = 600;
  var UNDO_LIMIT = 100;

  var root = document.getElementById("fp-designer");
  if (!root) {
    return;
  }
  var state = JSON.parse(document.getElementById("fp-d-state").textContent);
  var msg = state.messages;
  var definition = state.definition;
  var revision = state.revision;
  var storageKey = "fp-designer:" + state.key;
  var csrf = document.querySelector("#fp-d-preview-form input[name=csrf_token]").value;
  var selected = null;
  var flagged = {};
  var dirty = false;
  var saving = false;
  var blocked = null; // "conflict" | "invalid" | "offline"
  var saveTimer = null;
  var previewTimer = null;
  var history = {past: [], future: [], last: JSON.stringify(definition)};

  var statusEl = document.getElementById("fp-d-status");
  var banner = document.getElementById("fp-d-banner");
  var problemsEl = document.getElementById("fp-d-problems");
  var panel = document.getElementById("fp-d-panel");
  var outline = new window.FPDesignerOutline(document.getElementById("fp-d-outline"), {
    get definition() { return definition; },
    get selected() { return selected; },
    get flagged() { return flagged; },
    palette: state.palette,
    messages: msg,
    locale: state.locale,
    select: function (field) { selected = field; renderAll(); },
    remove: removeField,
    duplicate: duplicateField,
    move: moveField,
    rebuilt: function (added) {
      if (added) {
        selected = added;
        renderPalette();  // the dragged palette item moved into the outline; draw the palette afresh
      }
      committed();
      renderAll();
    }
  });

  function format(text, params) {
    return String(text).replace(/%\((\w+)\)s/g, function (all, name) {
      return params && params[name] !== undefined ? params[name] : all;
    });
  }

  /* ---- status, flags and rendering ---- */

  function setStatus() {
    var text;
    if (blocked === "conflict" || blocked === "invalid" || blocked === "offline") {
      text = msg.unsaved;
    } else if (saving) {
      text = msg.saving;
    } else if (dirty) {
      text = msg.unsaved;
    } else {
      text = format(msg.saved_revision, {revision: revision});
    }
    statusEl.textContent = text;
    statusEl.className = "fp-d-status" + (blocked ? " is-blocked" : (dirty || saving ? " is-pending" : " is-saved"));
    var missing = M.missingTranslations(definition);
    var button = document.getElementById("fp-d-missing");
    button.textContent = missing.length ? format(msg.missing_count, {count: missing.length}) : msg.no_missing;
    button.classList.toggle("is-warning", missing.length > 0);
    button.disabled = !missing.length;
    document.getElementById("fp-d-undo").disabled = !history.past.length;
    document.getElementById("fp-d-redo").disabled = !history.future.length;
  }

  function computeFlags(problems) {
    flagged = {};
    M.missingTranslations(definition).forEach(function (m) { flagged[m.path] = "missing"; });
    (problems || []).forEach(function (p) { flagged[p.path || ""] = "problem"; });
  }

  function renderPanel() {
    window.FPDesignerProperties.render(panel, {
      definition: definition,
      field: selected,
      palette: state.palette,
      messages: msg,
      ruleMessages: state.rule_messages,
      locale: state.locale,
      edited: edited,
      committed: committed,
      refresh: function () { renderAll(); },
      renamed: function (count) {
        if (count) {
          showBanner(msg.renamed_rules, [], "info");
        }
      }
    });
  }

  function renderSummary() {
    document.getElementById("fp-d-form-summary").textContent = M.text(definition.title, state.locale) || msg.no_label;
    document.getElementById("fp-d-form-settings").classList.toggle("is-selected", selected === null);
  }

  function renderStatus() {
    computeFlags(lastProblems);
    outline.render();
    setStatus();
  }

  function renderAll() {
    computeFlags(lastProblems);
    outline.render();
    renderSummary();
    renderPanel();
    setStatus();
    schedulePreview();
  }

  /* ---- edits and undo ---- */

  function remember() {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({definition: definition, revision: revision, at: Date.now()}));
    } catch (error) {
      /* storage full or disabled: the server save still runs */
    }
  }

  function edited() {
    dirty = true;
    remember();
    scheduleSave();
    computeFlags(lastProblems);
    outline.render();
    renderSummary();
    setStatus();
    schedulePreview();
  }

  /* A finished edit: one undo step. Components that report an unchanged value change nothing. */
  function committed() {
    var now = JSON.stringify(definition);
    if (now === history.last) {
      return;
    }
    history.past.push(history.last);
    if (history.past.length > UNDO_LIMIT) {
      history.past.shift();
    }
    history.future = [];
    history.last = now;
    edited();
  }

  function restore(snapshot) {
    var path = selected ? (M.locate(definition, selected) || {}).path : null;
    definition = JSON.parse(snapshot);
    history.last = snapshot;
    selected = null;
    if (path) {
      M.walk(definition.fields, function (field, list, index, here) {
        if (here === path) {
          selected = field;
        }
      });
    }
    dirty = true;
    remember();
    scheduleSave();
    renderAll();
  }

  function undo() {
    if (history.past.length) {
      history.future.push(history.last);
      restore(history.past.pop());
    }
  }

  function redo() {
    if (history.future.length) {
      history.past.push(history.last);
      restore(history.future.pop());
    }
  }

  /* ---- field operations ---- */

  function insertionPoint() {
    if (!selected) {
      return {list: definition.fields, index: definition.fields.length, container: null};
    }
    if (selected.type === "section" || selected.type === "group") {
      return {list: selected.fields, index: selected.fields.length, container: selected.type === "group" ? selected : M.enclosingGroup(definition, selected)};
    }
    var spot = M.locate(definition, selected);
    return {list: spot.list, index: spot.index + 1, container: M.enclosingGroup(definition, selected)};
  }

  function addField(type) {
    var at = insertionPoint();
    if (at.container && ["section", "group", "grid"].indexOf(type) >= 0) {
      var spot = M.locate(definition, at.container);
      at = {list: spot.list, index: spot.index + 1, container: M.enclosingGroup(definition, at.container)};
    }
    var field = M.newField(type, definition, at.container, msg);
    at.list.splice(at.index, 0, field);
    selected = field;
    committed();
    renderAll();
    var first = panel.querySelector("input:not([readonly]), textarea, select");
    if (first) {
      first.focus();
    }
  }

  function removeField(field) {
    var label = M.text(field.label || field.content, state.locale) || field.name || msg.no_label;
    var count = M.countFields(field);
    var question = count ? format(msg.delete_children_confirm, {label: label, count: count}) : format(msg.delete_confirm, {label: label});
    if (!window.confirm(question)) {
      return;
    }
    var spot = M.locate(definition, field);
    spot.list.splice(spot.index, 1);
    selected = spot.list[spot.index] || spot.list[spot.index - 1] || spot.parent || null;
    committed();
    renderAll();
  }

  function duplicateField(field) {
    var spot = M.locate(definition, field);
    var copy = M.duplicate(definition, field, M.enclosingGroup(definition, field));
    spot.list.splice(spot.index + 1, 0, copy);
    selected = copy;
    committed();
    renderAll();
  }

  function moveField(field, delta) {
    var spot = M.locate(definition, field);
    var target = spot.index + delta;
    if (target < 0 || target >= spot.list.length) {
      return;
    }
    spot.list.splice(target, 0, spot.list.splice(spot.index, 1)[0]);
    committed();
    renderAll();
    var node = document.querySelector(".fp-d-node.is-selected .fp-d-icon[title='" + (delta < 0 ? msg.move_up : msg.move_down) + "']");
    if (node && !node.disabled) {
      node.focus();
    }
  }

  /* ---- saving ---- */

  var lastProblems = [];

  function showBanner(text, actions, tone) {
    banner.textContent = "";
    banner.className = "fp-d-banner fp-flash" + (tone === "error" ? " fp-flash--error" : (tone === "warning" ? " fp-flash--warning" : ""));
    banner.appendChild(el("span", {text: text}));
    actions.forEach(function (action) {
      var button = el("button", {type: "button", className: "fp-button", text: action[0]});
      button.addEventListener("click", action[1]);
      banner.appendChild(button);
    });
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
  }

  function showProblems(problems) {
    lastProblems = problems;
    problemsEl.textContent = "";
    problemsEl.hidden = !problems.length;
    if (!problems.length) {
      return;
    }
    problemsEl.appendChild(el("p", {text: msg.problems_title}));
    var list = el("ul");
    problems.forEach(function (p) {
      list.appendChild(el("li", {}, [p.path ? el("code", {text: p.path}) : null, (p.path ? ": " : "") + p.message]));
    });
    problemsEl.appendChild(list);
  }

  function scheduleSave() {
    window.clearTimeout(saveTimer);
    if (blocked === "conflict") {
      return;
    }
    saveTimer = window.setTimeout(save, SAVE_DELAY);
  }

  function request(method, body, ifMatch) {
    var headers = {"Accept": "application/json", "X-CSRFToken": csrf};
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (ifMatch !== undefined) {
      headers["If-Match"] = String(ifMatch);
    }
    return window.fetch(state.urls.draft, {method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)});
  }

  function save(force) {
    if (saving) {
      saveTimer = window.setTimeout(save, SAVE_DELAY);
      return Promise.resolve();
    }
    if (blocked === "conflict" && !force) {
      return Promise.resolve();
    }
    saving = true;
    var sent = JSON.stringify(definition);
    setStatus();
    return request("PUT", definition, revision).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        saving = false;
        if (response.ok) {
          revision = body.revision;
          blocked = null;
          hideBanner();
          showProblems([]);
          dirty = JSON.stringify(definition) !== sent;
          if (dirty) {
            scheduleSave();
          } else {
            window.localStorage.removeItem(storageKey);
          }
        } else if (response.status === 409) {
          blocked = "conflict";
          showBanner(format(msg.conflict, {revision: ((body.error || {}).details || {}).current_revision || "?"}),
            [[msg.load_theirs, loadTheirs], [msg.keep_mine, keepMine]], "warning");
        } else if (response.status === 422) {
          blocked = "invalid";
          showProblems((body.error || {}).errors || []);
        } else {
          blocked = "offline";
          showBanner(msg.offline, [], "error");
          saveTimer = window.setTimeout(save, 10000);
        }
        renderStatus();  // never the panel: the user may be typing in it
      });
    }, function () {
      saving = false;
      blocked = "offline";
      showBanner(msg.offline, [], "error");
      saveTimer = window.setTimeout(save, 10000);
      setStatus();
    });
  }

  /* The page is going away (link, reload, closed tab): the edits of the last second leave in a beacon,
     which the browser delivers after the page is gone. A beacon carries no custom headers, so the
     revision and the CSRF token travel in a form post (POST on the draft URL). A save still in flight
     will have produced the next revision by the time the beacon arrives. */
  function flushOnLeaving() {
    if (!(dirty || saving) || blocked === "conflict" || !navigator.sendBeacon) {
      return;
    }
    remember();
    window.clearTimeout(saveTimer);
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("revision", String(saving ? revision + 1 : revision));
    body.append("definition", JSON.stringify(definition));
    navigator.sendBeacon(state.urls.draft, body);
  }

  function loadTheirs() {
    request("GET").then(function (response) { return response.json(); }).then(function (body) {
      definition = body.definition;
      revision = body.revision;
      blocked = null;
      dirty = false;
      selected = null;
      history = {past: [], future: [], last: JSON.stringify(definition)};
      window.localStorage.removeItem(storageKey);
      hideBanner();
      renderAll();
    });
  }

  function keepMine() {
    request("GET").then(function (response) { return response.json(); }).then(function (body) {
      revision = body.revision;
      blocked = null;
      hideBanner();
      save(true);
    });
  }

  function offerRestore() {
    var kept;
    try {
      kept = JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      kept = null;
    }
    if (!kept || !kept.definition || JSON.stringify(kept.definition) === JSON.stringify(definition)) {
      return;
    }
    var when = new Date(kept.at).toLocaleString(state.locale === "vi" ? "vi-VN" : "en-GB");
    showBanner(format(msg.restore_prompt, {time: when}), [
      [msg.restore, function () {
        hideBanner();
        definition = kept.definition;
        if (kept.revision !== revision) {
          blocked = null;
        }
        committed();
        renderAll();
      }],
      [msg.discard, function () { window.localStorage.removeItem(storageKey); hideBanner(); }]
    ], "warning");
  }

  /* ---- preview ---- */

  var previewForm = document.getElementById("fp-d-preview-form");
  var previewPanel = document.getElementById("fp-d-preview-panel");

  function refreshPreview() {
    previewForm.elements.definition.value = JSON.stringify(definition);
    previewForm.submit();
  }

  function schedulePreview() {
    if (previewPanel.hidden) {
      return;
    }
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, PREVIEW_DELAY);
  }

  function pressOne(group, attribute, value) {
    group.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute(attribute) === value ? "true" : "false");
    });
  }

  function wirePreview() {
    var tabs = {outline: document.getElementById("fp-d-tab-outline"), preview: document.getElementById("fp-d-tab-preview")};
    function show(which) {
      tabs.outline.setAttribute("aria-selected", which === "outline" ? "true" : "false");
      tabs.preview.setAttribute("aria-selected", which === "preview" ? "true" : "false");
      document.getElementById("fp-d-outline-panel").hidden = which !== "outline";
      previewPanel.hidden = which !== "preview";
      if (which === "preview") {
        refreshPreview();
      }
    }
    tabs.outline.addEventListener("click", function () { show("outline"); });
    tabs.preview.addEventListener("click", function () { show("preview"); });
    var devices = document.getElementById("fp-d-devices");
    devices.addEventListener("click", function (event) {
      var device = event.target.getAttribute("data-device");
      if (device) {
        pressOne(devices, "data-device", device);
        previewForm.elements.device.value = device;
        document.getElementById("fp-d-frame-wrap").setAttribute("data-device", device);
        refreshPreview();
      }
    });
    var locales = document.getElementById("fp-d-locales");
    locales.addEventListener("click", function (event) {
      var locale = event.target.getAttribute("data-locale");
      if (locale) {
        pressOne(locales, "data-locale", locale);
        previewForm.elements.locale.value = locale;
        refreshPreview();
      }
    });
  }

  /* ---- palette ---- */

  var paletteSortables = [];

  function renderPalette() {
    var host = document.getElementById("fp-d-palette");
    host.textContent = "";
    paletteSortables.forEach(function (sortable) { sortable.destroy(); });
    paletteSortables = [];
    state.palette.groups.forEach(function (group) {
      var list = el("ul", {className: "fp-d-palette__list"});
      state.palette.types.filter(function (t) { return t.group === group.key; }).forEach(function (type) {
        var button = el("button", {type: "button", className: "fp-d-palette__item", title: type.help, "data-type": type.name}, [
          el("span", {className: "fp-d-swatch fp-d-badge--" + type.group, "aria-hidden": "true"}),
          el("span", {text: type.label})
        ]);
        button.addEventListener("click", function () { addField(type.name); });
        list.appendChild(el("li", {"data-new-type": type.name, "data-ftype": type.name, className: "fp-d-handle"}, [button]));
      });
      host.appendChild(el("h3", {text: group.label}));
      host.appendChild(list);
      paletteSortables[paletteSortables.length] = window.Sortable.create(list, {group: {name: "fp-fields", pull: "clone", put: false}, sort: false, animation: 150});
    });
  }

  /* ---- start ---- */

  document.getElementById("fp-d-undo").addEventListener("click", undo);
  document.getElementById("fp-d-redo").addEventListener("click", redo);
  document.getElementById("fp-d-form-settings").addEventListener("click", function () { selected = null; renderAll(); });
  document.getElementById("fp-d-missing").addEventListener("click", function () {
    var first = M.missingTranslations(definition)[0];
    if (!first) {
      return;
    }
    var fieldPath = first.path.replace(/\.[^.]*$/, "");
    selected = null;
    M.walk(definition.fields, function (field, list, index, here) {
      if (fieldPath === here || fieldPath.indexOf(here + ".") === 0 && fieldPath.slice(here.length + 1).indexOf("fields.") !== 0) {
        selected = field;
      }
    });
    renderAll();
    var input = panel.querySelector("[data-path='" + first.path + "|" + first.lang + "']");
    if (input) {
      input.focus();
    }
  });
  document.getElementById("fp-d-publish").addEventListener("click", function (event) {
    if (dirty || saving) {
      event.preventDefault();
      var href = event.currentTarget.href;
      save().then(function () {
        if (!dirty && !blocked) {
          window.location.href = href;
        }
      });
    }
  });
  document.addEventListener("keydown", function (event) {
    var editing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target || {}).tagName || "");
    if ((event.ctrlKey || event.metaKey) && !editing && event.key.toLowerCase() === "z") {
      event.preventDefault();
      if (event.shiftKey) {
        redo();
      } else {
        undo();
      }
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || saving) {
      remember();
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", flushOnLeaving);

  renderPalette();
  wirePreview();
  renderAll();
  offerRestore();
  window.FPDesigner = {save: save, get definition() { return definition; }, get revision() { return revision; }};
}());
