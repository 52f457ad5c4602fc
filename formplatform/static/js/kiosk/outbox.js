/* The kiosk's outbox: a rating is written to localStorage BEFORE it is sent, and stays there until
 * the server has answered for it — stored (201, or 200 for a repeat of a stored rating) or refused
 * for good (a definitive 4xx such as "already rated"). Network failures, 5xx, 429 and "not paired"
 * keep it for a later try: on the `online` event, on a timer and whenever the screen resets.
 * Sending twice is harmless: the rating token is single use and the rating id is unique. Each entry
 * carries its capture time (`at`), sent as `captured_at`: a backlog sent at once after a network drop
 * is dated by the server as of its capture, so it lands in the right period and is not taken for a burst. */
(function () {
  "use strict";

  var KEY = "kiosk.outbox.v1";
  var KEEP = 500; // entries kept at most (a kiosk offline for days still keeps a working day's ratings)
  var FINAL = [400, 404, 409, 410, 422];
  var url = "";
  var busy = false;

  function read() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function write(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list.slice(-KEEP)));
    } catch (error) {
      /* storage full or disabled: the direct send below still happens */
    }
  }

  function add(entry) {
    var list = read().filter(function (item) { return item.id !== entry.id; });
    list.push(entry);
    write(list);
  }

  function remove(id) {
    write(read().filter(function (item) { return item.id !== id; }));
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function post(entry, timeoutMs) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, timeoutMs || 8000);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Kiosk": "1" },
      // captured_at: when the citizen sent it, so a late delivery is dated (and rate-limited) as of then
      body: JSON.stringify({
        token: entry.token, answers: entry.answers, locale: entry.locale, client_id: entry.id, captured_at: entry.at,
      }),
      signal: controller.signal,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (payload) {
        return { status: response.status, payload: payload };
      });
    }).finally(function () {
      window.clearTimeout(timer);
    });
  }

  /* One attempt for one entry: "stored" | "refused" (with the server's error) | "pending" | "unpaired". */
  function deliver(entry, timeoutMs) {
    return post(entry, timeoutMs).then(function (answer) {
      if (answer.status === 201 || answer.status === 200) {
        remove(entry.id);
        return { outcome: "stored" };
      }
      if (FINAL.indexOf(answer.status) !== -1) {
        remove(entry.id);
        return { outcome: "refused", error: (answer.payload || {}).error || null };
      }
      return { outcome: answer.status === 401 ? "unpaired" : "pending" };
    }, function () {
      return { outcome: "pending" };
    });
  }

  function flush() {
    if (busy || !url) return Promise.resolve();
    var list = read();
    if (!list.length) return Promise.resolve();
    busy = true;
    var chain = Promise.resolve(true);
    list.forEach(function (entry) {
      chain = chain.then(function (goOn) {
        if (!goOn) return false;
        return deliver(entry).then(function (result) {
          return result.outcome === "stored" || result.outcome === "refused";
        });
      });
    });
    return chain.finally(function () { busy = false; });
  }

  function init(rateUrl, everySeconds) {
    url = rateUrl;
    window.addEventListener("online", flush);
    window.setInterval(flush, (everySeconds || 20) * 1000);
    flush();
  }

  window.KioskOutbox = { add: add, deliver: deliver, flush: flush, init: init, newId: newId, read: read };
})();
