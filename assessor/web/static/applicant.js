/* assessor applicant pages: autosave, timer, word counter, integrity events.
 * The pages work without this file; it only adds to them. No inline code:
 * everything is wired through data- attributes (strict CSP). */
(function () {
  "use strict";

  var WORD = /[\p{L}\p{M}]+(?:['\u2019\-][\p{L}\p{M}]+)*/gu; // same rule as the server's word_count
  var BURST_GAP_MS = 2000;
  var MAX_BUFFERED_EVENTS = 500;
  var $ = function (id) { return document.getElementById(id); };

  function countWords(text) {
    var m = text.match(WORD);
    return m ? m.length : 0;
  }
  function nowIso() { return new Date().toISOString(); }
  function clock(date) { return date.toISOString().substr(11, 8) + " UTC"; }
  function pad(n) { return String(n).padStart(2, "0"); }
  function duration(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
  }

  /* ---------- timer: server deadline, corrected for this device's clock ---------- */
  function Timer(el, onExpire) {
    var deadline = Date.parse(el.dataset.deadline);
    var offset = Date.parse(el.dataset.now) - Date.now(); // server clock minus ours
    var announce = $("timer-announce");
    var said = {}, fired = false;
    function tick() {
      var ms = deadline - (Date.now() + offset);
      $("timer-value").textContent = duration(ms);
      el.classList.toggle("low", ms < 5 * 60000);
      [5, 1].forEach(function (min) {
        // Announced once each, for screen readers, which do not read the ticking timer.
        if (ms <= min * 60000 && ms > min * 60000 - 5000 && !said[min]) {
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
    this.sync = function (data) {
      if (data.server_now) { offset = Date.parse(data.server_now) - Date.now(); }
      if (data.deadline) { deadline = Date.parse(data.deadline); }
    };
  }

  /* ---------- integrity events, sent with the next save ---------- */
  function Events() {
    var list = [], burst = null, keysSince = 0;
    /** Key presses since the last typed text: text typed with none came from a script. */
    this.key = function () { keysSince += 1; };
    var visibleSince = document.visibilityState === "visible" ? Date.now() : null, visibleMs = 0;
    this.add = function (type, extra) {
      var e = { type: type, at: nowIso() };
      for (var k in extra || {}) { e[k] = extra[k]; }
      list.push(e);
      if (list.length > MAX_BUFFERED_EVENTS) { list.splice(0, list.length - MAX_BUFFERED_EVENTS); }
    };
    this.typed = function (chars) {
      var t = Date.now();
      if (!burst || t - burst.last > BURST_GAP_MS) { this.endBurst(); burst = { start: t, last: t, chars: 0, keys: 0 }; }
      burst.chars += chars;
      burst.keys += keysSince;
      keysSince = 0;
      burst.last = t;
    };
    this.endBurst = function () {
      if (burst && burst.chars >= 10) { this.add("typing_burst", { chars: burst.chars, ms: burst.last - burst.start, keys: burst.keys }); }
      burst = null;
    };
    this.visible = function (yes) {
      if (yes) { visibleSince = Date.now(); return; }
      if (visibleSince !== null) { visibleMs += Date.now() - visibleSince; }
      visibleSince = null;
    };
    /** Everything pending, time on task included; ``sent(n)`` drops the first n after a save. */
    this.take = function () {
      this.endBurst();
      if (visibleSince !== null) { visibleMs += Date.now() - visibleSince; visibleSince = Date.now(); }
      if (visibleMs > 0) { this.add("task_time", { ms: Math.round(visibleMs) }); visibleMs = 0; }
      return list.slice();
    };
    this.sent = function (n) { list.splice(0, n); };
  }

  /* ---------- local copy, so nothing typed is lost on a bad connection ---------- */
  function LocalCopy(key) {
    this.put = function (text, synced) {
      try {
        localStorage.setItem(key, JSON.stringify({ text: text, at: Date.now(), synced: synced }));
      } catch (e) { /* private mode or full: the server copy still works */ }
    };
    /** Text typed here that never reached the server and is newer than the server's copy. */
    this.unsaved = function (serverText, serverAt) {
      try {
        var saved = JSON.parse(localStorage.getItem(key) || "null");
        if (saved && !saved.synced && saved.text !== serverText && saved.at > serverAt) { return saved.text; }
      } catch (e) { /* unreadable backup: keep the server's copy */ }
      return null;
    };
  }

  /* ---------- word counter ---------- */
  function updateCount(text, low, high) {
    var n = countWords(text);
    $("word-count-n").textContent = n;
    if ($("word-meter")) { $("word-meter").value = n; }
    $("word-count-state").textContent =
      n < low ? "· too short so far" : n > high ? "· over the limit" : "· within the range";
    $("word-count").classList.toggle("over", n > high);
  }

  /* ---------- saving drafts to the server ---------- */
  function Saver(form, area, events, local) {
    var status = $("save-status"), csrf = $("csrf");
    var self = this, inFlight = null, retryMs = 2000, retryTimer = null;
    this.dirty = false;
    function say(text, bad) { status.textContent = text; status.classList.toggle("bad", !!bad); }
    function post(body, keepalive) {
      return fetch(form.dataset.draftUrl, {
        method: "POST", credentials: "same-origin", keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.value },
        body: JSON.stringify(body)
      });
    }
    function retry() {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () { self.save(); }, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    }
    function refreshCsrf() {
      return fetch(form.dataset.csrfUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (b) { csrf.value = b.csrf_token; });
    }
    function saved(body, sentEvents, data) {
      events.sent(sentEvents);
      if (area.value === body.text) { self.dirty = false; local.put(body.text, true); }
      retryMs = 2000;
      say("Saved " + clock(new Date(Date.parse(data.saved_at))) + ".");
      if (self.onServer) { self.onServer(data); }
      return true;
    }
    function refused(r, err, opts) {
      if (r.status === 409 && err.next) { window.location.assign(err.next); return false; }
      if (r.status === 400 && err.code === "csrf") {
        return refreshCsrf().then(function () { inFlight = null; return self.save(opts); });
      }
      say("Not saved: " + (err.message || "the server refused it") +
          ". Your text is kept on this device; we will retry.", true);
      retry();
      return false;
    }
    this.body = function () {
      return { task_id: Number(form.dataset.taskId), text: area.value, events: events.take() };
    };
    this.beacon = function () { post(self.body(), true).catch(function () {}); };
    this.save = function (opts) {
      opts = opts || {};
      if (inFlight) { return inFlight; }
      var body = self.body();
      if (!self.dirty && body.events.length === 0 && !opts.force) { return Promise.resolve(true); }
      inFlight = post(body, opts.keepalive).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          return r.ok ? saved(body, body.events.length, data) : refused(r, (data && data.error) || {}, opts);
        });
      }).catch(function () {
        say("You seem to be offline. Your text is kept on this device and will be saved " +
            "when the connection returns.", true);
        retry();
        return false;
      }).then(function (ok) { inFlight = null; return ok; });
      return inFlight;
    };
  }

  /* ---------- one task page ---------- */
  function watchAnswer(area, form, saver, events, local) {
    var low = Number(form.dataset.low), high = Number(form.dataset.high);
    area.addEventListener("keydown", function () { events.key(); });
    area.addEventListener("input", function (ev) {
      saver.dirty = true;
      local.put(area.value, false);
      updateCount(area.value, low, high);
      if (ev.inputType === "insertText" || ev.inputType === "insertCompositionText") {
        events.typed((ev.data || "").length);
      } else if (ev.inputType && ev.inputType.indexOf("insertFrom") === 0 && ev.inputType !== "insertFromPaste") {
        events.add("typing_burst", { chars: (ev.data || "").length, ms: 0 }); // dropped, dictated …
      }
    });
    area.addEventListener("blur", function () { saver.save(); });
    updateCount(area.value, low, high);
  }

  function showPasteNote() {
    var note = $("paste-note");
    note.textContent = "Pasting is turned off for this test. Please type your answer.";
    note.hidden = false;
  }

  function watchPaste(area, form, events) {
    var allowed = form.dataset.allowPaste === "true";
    area.addEventListener("paste", function (ev) {
      var text = (ev.clipboardData && ev.clipboardData.getData("text")) || "";
      // A blocked paste never reaches the answer: it is recorded as blocked,
      // so it does not count against the applicant.
      events.add("paste", allowed ? { chars: text.length } : { chars: text.length, blocked: true });
      if (!allowed) {
        ev.preventDefault();
        showPasteNote();
      }
    });
    area.addEventListener("drop", function (ev) {
      if (!allowed) { ev.preventDefault(); events.add("paste", { chars: 0, blocked: true }); showPasteNote(); }
    });
    ["copy", "cut"].forEach(function (type) {
      area.addEventListener(type, function () { events.add(type); });
    });
  }

  function watchPage(form, saver, events, local, area) {
    window.addEventListener("blur", function () { events.add("blur"); saver.save(); });
    window.addEventListener("focus", function () { events.add("focus"); });
    document.addEventListener("visibilitychange", function () {
      var hidden = document.visibilityState === "hidden";
      events.visible(!hidden);
      events.add(hidden ? "tab_hidden" : "tab_visible");
      if (hidden) { saver.save({ keepalive: true }); }
    });
    window.addEventListener("pagehide", function () { saver.save({ keepalive: true, force: true }); });
    form.addEventListener("submit", function () {
      // The form posts the text itself; this only delivers the buffered events.
      saver.beacon();
      local.put(area.value, true);
    });
    setInterval(function () { if (saver.dirty) { saver.save(); } }, Number(form.dataset.autosave || 5) * 1000);
  }

  function Task(form) {
    var area = form.querySelector("textarea");
    var local = new LocalCopy("assessor:" + form.dataset.attempt + ":" + form.dataset.taskId);
    var events = new Events();
    var saver = new Saver(form, area, events, local);
    var restored = local.unsaved(area.value, Date.parse(form.dataset.savedAt || "") || 0);
    if (restored !== null) {
      area.value = restored;
      saver.dirty = true;
      $("restore-note").textContent = "We restored text you typed on this device that had not been saved yet.";
      $("restore-note").hidden = false;
    }
    watchAnswer(area, form, saver, events, local);
    watchPaste(area, form, events);
    watchPage(form, saver, events, local, area);
    if (saver.dirty) { saver.save(); }
    this.saver = saver;
    this.flush = function () { saver.dirty = true; return saver.save({ force: true }); };
  }

  /* ---------- waiting page ---------- */
  function Waiting(el) {
    var status = $("waiting-status");
    setInterval(function () {
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
    }, 3000);
  }

  /* ---------- wiring ---------- */
  var form = $("task-form");
  var task = form ? new Task(form) : null;
  var timerEl = $("timer");
  if (timerEl) {
    var timer = new Timer(timerEl, function () {
      var go = function () { window.location.assign(timerEl.dataset.doneUrl); };
      if (!task) { go(); return; }
      // The server accepts the last save for a short grace period; wait for it, not longer.
      var grace = Number(timerEl.dataset.grace || 60) * 1000;
      var giveUp = setTimeout(go, Math.max(grace - 5000, 3000));
      task.flush().then(function (ok) { if (ok) { clearTimeout(giveUp); go(); } });
    });
    if (task) { task.saver.onServer = timer.sync; }
  }
  var waiting = $("waiting");
  if (waiting && waiting.dataset.statusUrl) { new Waiting(waiting); }
})();
