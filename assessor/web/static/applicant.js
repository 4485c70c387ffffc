/* assessor applicant pages: autosave, timer, word counter, integrity events.
 * The pages work without this file; it only adds to them. No inline code:
 * everything is wired through data- attributes (strict CSP). */
(function () {
  "use strict";

  var WORD = /[\p{L}\p{M}]+(?:['\u2019\-][\p{L}\p{M}]+)*/gu; // same rule as the server's word_count
  var BURST_GAP_MS = 2000;
  var MAX_BUFFERED_EVENTS = 500;

  function countWords(text) {
    var m = text.match(WORD);
    return m ? m.length : 0;
  }
  function nowIso() { return new Date().toISOString(); }
  function clock(date) {
    return date.toISOString().substr(11, 8) + " UTC";
  }

  /* ---------- timer ---------- */
  function Timer(el, onExpire) {
    var deadline = Date.parse(el.dataset.deadline);
    var offset = Date.parse(el.dataset.now) - Date.now(); // server clock minus ours
    var value = document.getElementById("timer-value");
    var announce = document.getElementById("timer-announce");
    var said = {};
    var fired = false;
    function left() { return deadline - (Date.now() + offset); }
    function fmt(ms) {
      var s = Math.max(0, Math.ceil(ms / 1000));
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      var mm = (h ? String(m).padStart(2, "0") : String(m));
      return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
    }
    function tick() {
      var ms = left();
      value.textContent = fmt(ms);
      el.classList.toggle("low", ms < 5 * 60000);
      [5, 1].forEach(function (min) {
        if (ms <= min * 60000 && ms > (min * 60000 - 5000) && !said[min]) {
          said[min] = true;
          announce.textContent = min + (min === 1 ? " minute" : " minutes") + " left.";
        }
      });
      if (ms <= 0 && !fired) {
        fired = true;
        announce.textContent = "Time is up. Your answers are being submitted.";
        onExpire();
      }
    }
    tick();
    setInterval(tick, 1000);
    this.serverOffset = function (iso) {
      if (iso) { offset = Date.parse(iso) - Date.now(); }
    };
    this.setDeadline = function (iso) { if (iso) { deadline = Date.parse(iso); } };
  }

  /* ---------- autosave of one task ---------- */
  function Task(form) {
    var area = form.querySelector("textarea");
    var status = document.getElementById("save-status");
    var csrf = document.getElementById("csrf");
    var taskId = Number(form.dataset.taskId);
    var key = "assessor:" + form.dataset.attempt + ":" + taskId;
    var low = Number(form.dataset.low), high = Number(form.dataset.high);
    var allowPaste = form.dataset.allowPaste === "true";
    var events = [];
    var dirty = false, inFlight = null, retryMs = 2000, retryTimer = null;
    var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
    var visibleMs = 0;
    var burst = null;
    var self = this;

    function record(type, extra) {
      var e = { type: type, at: nowIso() };
      for (var k in extra || {}) { e[k] = extra[k]; }
      events.push(e);
      if (events.length > MAX_BUFFERED_EVENTS) { events.splice(0, events.length - MAX_BUFFERED_EVENTS); }
    }
    function setStatus(text, bad) {
      status.textContent = text;
      status.classList.toggle("bad", !!bad);
    }
    function local(text, synced) {
      try {
        localStorage.setItem(key, JSON.stringify({ text: text, at: Date.now(), synced: synced }));
      } catch (e) { /* private mode or full: the server copy still works */ }
    }
    function updateCount() {
      var n = countWords(area.value);
      document.getElementById("word-count-n").textContent = n;
      var meter = document.getElementById("word-meter");
      if (meter) { meter.value = n; }
      var state = n < low ? "· too short so far" : n > high ? "· over the limit" : "· within the range";
      document.getElementById("word-count-state").textContent = state;
      document.getElementById("word-count").classList.toggle("over", n > high);
    }
    function closeBurst() {
      if (burst && burst.chars >= 10) {
        record("typing_burst", { chars: burst.chars, ms: burst.last - burst.start });
      }
      burst = null;
    }
    function takeTime() {
      if (visibleSince !== null) { visibleMs += Date.now() - visibleSince; visibleSince = Date.now(); }
      var ms = Math.round(visibleMs);
      visibleMs = 0;
      return ms;
    }
    function payload() {
      closeBurst();
      var ms = takeTime();
      if (ms > 0) { record("task_time", { ms: ms }); }
      return { task_id: taskId, text: area.value, events: events.slice() };
    }
    function refreshCsrf() {
      return fetch(form.dataset.csrfUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (b) { csrf.value = b.csrf_token; });
    }
    function post(body, keepalive) {
      return fetch(form.dataset.draftUrl, {
        method: "POST", credentials: "same-origin", keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.value },
        body: JSON.stringify(body)
      });
    }
    function scheduleRetry() {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () { self.save(); }, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    }
    this.save = function (opts) {
      opts = opts || {};
      if (inFlight) { return inFlight; }
      var body = payload();
      if (!dirty && body.events.length === 0 && !opts.force) { return Promise.resolve(true); }
      var sentEvents = body.events.length;
      inFlight = post(body, opts.keepalive).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.ok) {
            events.splice(0, sentEvents);
            if (area.value === body.text) { dirty = false; local(body.text, true); }
            retryMs = 2000;
            setStatus("Saved " + clock(new Date(Date.parse(data.saved_at))) + ".");
            if (self.onServer) { self.onServer(data); }
            return true;
          }
          var err = (data && data.error) || {};
          if (r.status === 409 && err.next) { window.location.assign(err.next); return false; }
          if (r.status === 400 && err.code === "csrf") {
            return refreshCsrf().then(function () { inFlight = null; return self.save(opts); });
          }
          setStatus("Not saved: " + (err.message || "the server refused it") +
                    ". Your text is kept on this device; we will retry.", true);
          scheduleRetry();
          return false;
        });
      }).catch(function () {
        setStatus("You seem to be offline. Your text is kept on this device and will be saved " +
                  "when the connection returns.", true);
        scheduleRetry();
        return false;
      }).then(function (ok) { inFlight = null; return ok; });
      return inFlight;
    };
    this.flush = function () { dirty = true; return self.save({ force: true }); };

    // Restore text typed here that never reached the server (crash, offline).
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "null");
      var serverAt = Date.parse(form.dataset.savedAt || "") || 0;
      if (saved && !saved.synced && saved.text !== area.value && saved.at > serverAt) {
        area.value = saved.text;
        dirty = true;
        var note = document.getElementById("restore-note");
        note.textContent = "We restored text you typed on this device that had not been saved yet.";
        note.hidden = false;
      }
    } catch (e) { /* unreadable backup: keep the server's copy */ }

    area.addEventListener("input", function (ev) {
      dirty = true;
      local(area.value, false);
      updateCount();
      var t = Date.now();
      var added = (ev.data || "").length;
      if (ev.inputType === "insertText" || ev.inputType === "insertCompositionText") {
        if (!burst || t - burst.last > BURST_GAP_MS) { closeBurst(); burst = { start: t, last: t, chars: 0 }; }
        burst.chars += added; burst.last = t;
      } else if (ev.inputType && ev.inputType.indexOf("insertFrom") === 0 && ev.inputType !== "insertFromPaste") {
        record("typing_burst", { chars: added || 0, ms: 0 });
      }
    });
    area.addEventListener("blur", function () { self.save(); });
    area.addEventListener("paste", function (ev) {
      var text = (ev.clipboardData && ev.clipboardData.getData("text")) || "";
      record("paste", { chars: text.length });
      if (!allowPaste) {
        ev.preventDefault();
        document.getElementById("paste-note").textContent =
          "Pasting is turned off for this test. Please type your answer.";
      }
    });
    area.addEventListener("drop", function (ev) {
      if (!allowPaste) {
        ev.preventDefault();
        record("paste", { chars: 0 });
      }
    });
    ["copy", "cut"].forEach(function (type) {
      area.addEventListener(type, function () { record(type, {}); });
    });
    window.addEventListener("blur", function () { record("blur"); self.save(); });
    window.addEventListener("focus", function () { record("focus"); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        takeTime(); visibleSince = null;
        record("tab_hidden");
        self.save({ keepalive: true });
      } else {
        visibleSince = Date.now();
        record("tab_visible");
      }
    });
    window.addEventListener("pagehide", function () { self.save({ keepalive: true, force: true }); });
    form.addEventListener("submit", function () {
      // The form posts the text; this only delivers the buffered events.
      if (events.length || burst || visibleSince !== null) {
        var body = payload();
        post(body, true).catch(function () {});
        events = [];
      }
      local(area.value, true);
    });
    setInterval(function () { if (dirty) { self.save(); } }, Number(form.dataset.autosave || 5) * 1000);
    updateCount();
    if (dirty) { self.save(); }
  }

  /* ---------- waiting page ---------- */
  function Waiting(el) {
    var status = document.getElementById("waiting-status");
    function poll() {
      fetch(el.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.scored || s.scoring_failed) { window.location.reload(); return; }
          if (status) {
            status.textContent = s.scored_answers + " of " + s.submitted_answers +
              " answers rated so far. This page updates by itself.";
          }
        })
        .catch(function () { /* try again at the next tick */ });
    }
    setInterval(poll, 3000);
  }

  /* ---------- wiring ---------- */
  var form = document.getElementById("task-form");
  var task = form ? new Task(form) : null;
  var timerEl = document.getElementById("timer");
  if (timerEl) {
    var timer = new Timer(timerEl, function () {
      var grace = Number(timerEl.dataset.grace || 60) * 1000;
      var go = function () { window.location.assign(timerEl.dataset.doneUrl); };
      if (!task) { go(); return; }
      // The server accepts the last save for a short grace period.
      var give = setTimeout(go, Math.max(grace - 5000, 3000));
      task.flush().then(function (ok) { if (ok) { clearTimeout(give); go(); } });
    });
    if (task) {
      task.onServer = function (data) { timer.serverOffset(data.server_now); timer.setDeadline(data.deadline); };
    }
  }
  var waiting = document.getElementById("waiting");
  if (waiting && waiting.dataset.statusUrl) { new Waiting(waiting); }
})();
