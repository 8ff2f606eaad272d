// The chapter editor of `podpipe edit`: the episode's audio over its
// waveform, its timed transcript and its chapters as markers. No framework:
// the state is the object below, and render functions redraw from it.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var audio = $("audio");
  var wrap = $("wave-wrap");
  var canvas = $("wave");

  // The session's token comes in the URL podpipe printed; the page keeps it
  // for this tab and takes it out of the address bar and the history.
  var token = "";
  var params = new URLSearchParams(location.search);
  if (params.get("token")) {
    token = params.get("token");
    sessionStorage.setItem("podpipe-edit-token", token);
    history.replaceState(null, "", location.pathname);
  } else {
    token = sessionStorage.getItem("podpipe-edit-token") || "";
  }

  var state = {
    ep: null,
    chapters: [],     // {id, start, title, url}
    version: "",      // of the chapters file as loaded or saved
    dirty: false,
    peaks: null,      // Int8Array: min, max, … at rate pairs a second
    peaksError: "",
    rate: 100,
    duration: 0,
    v0: 0, v1: 0,     // the waveform's window, seconds
    selected: 0,      // id of the selected chapter
    nextId: 1,
    stopAt: -1,       // pause there when hearing a chapter
  };

  function setState(s) { document.body.dataset.state = s; }

  function status(msg, kind) {
    var el = $("status");
    el.textContent = msg;
    el.className = kind || "";
  }

  function api(method, path, body) {
    var init = { method: method, headers: { "X-Podpipe-Token": token } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) {
          var e = new Error(j.error || r.status + " " + r.statusText);
          e.body = j;
          throw e;
        }
        return j;
      });
    });
  }

  // Times.

  function fmt(t) {
    var neg = t < 0;
    t = Math.abs(t);
    var h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, s = t - Math.floor(t / 60) * 60;
    var ss = s.toFixed(1);
    if (s < 10) { ss = "0" + ss; }
    var out = (h > 0 ? h + ":" + (m < 10 ? "0" : "") + m : String(m)) + ":" + ss;
    return (neg ? "-" : "") + out;
  }

  // parseTime reads "1:02:03.5", "2:03.5" or "63.5"; NaN when it cannot.
  function parseTime(s) {
    s = s.trim();
    if (!/^\d+(:\d{1,2}){0,2}([.,]\d+)?$/.test(s)) { return NaN; }
    var parts = s.replace(",", ".").split(":");
    var t = 0;
    for (var i = 0; i < parts.length; i++) { t = t * 60 + parseFloat(parts[i]); }
    return t;
  }

  function ms(t) { return Math.round(t * 1000) / 1000; }

  // Chapters.

  function byStart(a, b) { return a.start - b.start; }

  function setChapters(list) {
    state.chapters = list.map(function (c) {
      return { id: state.nextId++, start: c.start, title: c.title, url: c.url || "" };
    });
  }

  function find(id) {
    for (var i = 0; i < state.chapters.length; i++) {
      if (state.chapters[i].id === id) { return state.chapters[i]; }
    }
    return null;
  }

  function markDirty() {
    state.dirty = true;
    $("save").classList.add("dirty");
    document.title = "• " + titleText();
  }

  function markClean() {
    state.dirty = false;
    $("save").classList.remove("dirty");
    document.title = titleText();
  }

  function titleText() { return (state.ep ? state.ep.slug + " — " : "") + "podpipe edit"; }

  function snippet(u) {
    if (u.section) { return u.section; }
    var chars = Array.from(u.text);
    return chars.length > 28 ? chars.slice(0, 28).join("") + "…" : u.text;
  }

  function addChapter(t, title) {
    t = ms(Math.max(0, t));
    if (t >= state.duration) {
      status("A chapter must start before the end of the audio (" + fmt(state.duration) + ").", "error");
      return;
    }
    for (var i = 0; i < state.chapters.length; i++) {
      if (Math.abs(state.chapters[i].start - t) < 0.0005) {
        select(state.chapters[i].id, true);
        status("A chapter already starts at " + fmt(t) + ": “" + state.chapters[i].title + "”.", "error");
        return;
      }
    }
    var c = { id: state.nextId++, start: t, title: title || "New chapter", url: "" };
    state.chapters.push(c);
    markDirty();
    renderChapters();
    select(c.id, true);
    var input = document.querySelector('#chapters li[data-id="' + c.id + '"] input.title');
    if (input) { input.focus(); input.select(); }
    status("Added a chapter at " + fmt(t) + ": type its title, then Save.");
  }

  function removeChapter(id) {
    var c = find(id);
    state.chapters = state.chapters.filter(function (c) { return c.id !== id; });
    status("Deleted “" + c.title + "” at " + fmt(c.start) + ".");
    markDirty();
    renderChapters();
  }

  function select(id, scroll) {
    state.selected = id;
    var rows = document.querySelectorAll("#chapters li");
    for (var i = 0; i < rows.length; i++) {
      var on = Number(rows[i].dataset.id) === id;
      rows[i].classList.toggle("selected", on);
      if (on && scroll) { rows[i].scrollIntoView({ block: "nearest" }); }
    }
    renderMarkers();
  }

  function hear(c) {
    audio.currentTime = Math.max(0, c.start - 2);
    state.stopAt = c.start + 3;
    play();
  }

  function play() {
    var p = audio.play();
    if (p && p.catch) {
      p.catch(function (e) { status("The audio cannot play: " + e.message, "error"); });
    }
  }

  function renderChapters() {
    state.chapters.sort(byStart);
    var ol = $("chapters");
    ol.textContent = "";
    state.chapters.forEach(function (c) {
      var li = document.createElement("li");
      li.dataset.id = c.id;
      if (c.id === state.selected) { li.className = "selected"; }
      var hearBtn = document.createElement("button");
      hearBtn.type = "button";
      hearBtn.className = "hear";
      hearBtn.textContent = "▶";
      hearBtn.title = "Hear from 2 s before to 3 s after";
      var start = document.createElement("input");
      start.className = "start";
      start.value = fmt(c.start);
      start.setAttribute("aria-label", "Start");
      start.spellcheck = false;
      var title = document.createElement("input");
      title.className = "title";
      title.value = c.title;
      title.setAttribute("aria-label", "Title");
      var del = document.createElement("button");
      del.type = "button";
      del.className = "delete";
      del.textContent = "✕";
      del.title = "Delete this chapter";
      li.append(hearBtn, start, title, del);
      ol.append(li);
    });
    renderMarkers();
    markTurns();
  }

  $("chapters").addEventListener("click", function (e) {
    var li = e.target.closest("li");
    if (!li) { return; }
    var c = find(Number(li.dataset.id));
    if (!c) { return; }
    if (e.target.classList.contains("hear")) { select(c.id); hear(c); }
    if (e.target.classList.contains("delete")) { removeChapter(c.id); }
  });
  $("chapters").addEventListener("focusin", function (e) {
    var li = e.target.closest("li");
    if (li) { select(Number(li.dataset.id)); }
  });
  $("chapters").addEventListener("input", function (e) {
    var li = e.target.closest("li");
    var c = li && find(Number(li.dataset.id));
    if (!c) { return; }
    if (e.target.classList.contains("title")) {
      c.title = e.target.value;
      markDirty();
      renderMarkers();
    } else if (e.target.classList.contains("start")) {
      var t = parseTime(e.target.value);
      e.target.classList.toggle("invalid", isNaN(t) || t >= state.duration);
    }
  });
  $("chapters").addEventListener("change", function (e) {
    var li = e.target.closest("li");
    var c = li && find(Number(li.dataset.id));
    if (!c || !e.target.classList.contains("start")) { return; }
    var t = parseTime(e.target.value);
    if (isNaN(t) || t >= state.duration) {
      status("“" + e.target.value + "” is not a time within the audio (m:ss.s, up to " + fmt(state.duration) + ").", "error");
      return;
    }
    c.start = ms(t);
    markDirty();
    renderChapters();
  });

  // Transcript.

  function renderUnits() {
    var ol = $("units");
    ol.textContent = "";
    state.ep.units.forEach(function (u, i) {
      var li = document.createElement("li");
      li.dataset.i = i;
      if (u.cue) { li.className = "cue"; }
      if (u.section) {
        var h = document.createElement("div");
        h.className = "section";
        h.textContent = u.section;
        li.append(h);
      }
      var add = document.createElement("button");
      add.type = "button";
      add.className = "add-turn";
      add.textContent = "+";
      add.title = "Add a chapter at this turn";
      var time = document.createElement("button");
      time.type = "button";
      time.className = "time";
      time.textContent = fmt(u.start);
      time.title = "Play from here";
      var text = document.createElement("div");
      if (u.speaker) {
        var sp = document.createElement("span");
        sp.className = "speaker";
        sp.textContent = u.speaker;
        text.append(sp);
      }
      text.append(document.createTextNode(u.text));
      li.append(add, time, text);
      ol.append(li);
    });
    markTurns();
  }

  // markTurns marks the turns a chapter starts at.
  function markTurns() {
    if (!state.ep) { return; }
    var starts = {};
    state.chapters.forEach(function (c) { starts[c.start.toFixed(3)] = true; });
    var rows = document.querySelectorAll("#units li");
    for (var i = 0; i < rows.length; i++) {
      var u = state.ep.units[Number(rows[i].dataset.i)];
      rows[i].classList.toggle("has-chapter", !!starts[u.start.toFixed(3)]);
    }
  }

  $("units").addEventListener("click", function (e) {
    var li = e.target.closest("li");
    if (!li) { return; }
    var u = state.ep.units[Number(li.dataset.i)];
    if (e.target.classList.contains("add-turn")) {
      addChapter(u.start, snippet(u));
    } else if (e.target.classList.contains("time")) {
      audio.currentTime = u.start;
      play();
    }
  });

  var nowUnit = -1;
  function followTranscript(t) {
    var units = state.ep ? state.ep.units : [];
    var cur = -1;
    for (var i = 0; i < units.length && units[i].start <= t; i++) { cur = i; }
    if (cur === nowUnit) { return; }
    var rows = $("units").children;
    if (nowUnit >= 0 && rows[nowUnit]) { rows[nowUnit].classList.remove("now"); }
    if (cur >= 0 && rows[cur]) { rows[cur].classList.add("now"); }
    nowUnit = cur;
  }

  // Waveform.

  function xOf(t) { return (t - state.v0) / (state.v1 - state.v0) * wrap.clientWidth; }
  function timeAt(clientX) {
    var r = wrap.getBoundingClientRect();
    var f = Math.min(1, Math.max(0, (clientX - r.left) / r.width));
    return state.v0 + f * (state.v1 - state.v0);
  }

  function tickStep(span, width) {
    var steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] / span * width >= 80) { return steps[i]; }
    }
    return 7200;
  }

  function draw() {
    var dpr = window.devicePixelRatio || 1;
    var w = Math.max(1, Math.round(canvas.clientWidth * dpr)), h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    var g = canvas.getContext("2d");
    g.fillStyle = "#17212b";
    g.fillRect(0, 0, w, h);
    var span = state.v1 - state.v0;
    if (!(span > 0)) { return; }
    // Every other chapter's stretch a shade lighter.
    for (var k = 0; k < state.chapters.length; k += 2) {
      var a = state.chapters[k].start, b = k + 1 < state.chapters.length ? state.chapters[k + 1].start : state.duration;
      g.fillStyle = "#1e2b38";
      g.fillRect((a - state.v0) / span * w, 0, (b - a) / span * w, h);
    }
    var axis = 16 * dpr, mid = (h - axis) / 2;
    if (state.peaks) {
      var p = state.peaks, n = p.length / 2, rate = state.rate;
      g.fillStyle = "#5fa8e8";
      for (var x = 0; x < w; x++) {
        var t0 = state.v0 + x / w * span, t1 = state.v0 + (x + 1) / w * span;
        var i0 = Math.floor(t0 * rate), i1 = Math.max(i0 + 1, Math.floor(t1 * rate));
        var lo = 0, hi = 0;
        for (var i = i0; i < i1 && i < n; i++) {
          if (p[2 * i] < lo) { lo = p[2 * i]; }
          if (p[2 * i + 1] > hi) { hi = p[2 * i + 1]; }
        }
        var top = mid - hi / 127 * mid * 0.95, bot = mid - lo / 127 * mid * 0.95;
        g.fillRect(x, top, 1, Math.max(dpr, bot - top));
      }
    } else {
      g.fillStyle = "#9ca3af";
      g.font = 13 * dpr + "px system-ui, sans-serif";
      g.fillText(state.peaksError || "Computing the waveform…", 12 * dpr, mid);
    }
    // The time axis.
    g.fillStyle = "#0f161d";
    g.fillRect(0, h - axis, w, axis);
    g.fillStyle = "#9ca3af";
    g.font = 11 * dpr + "px system-ui, sans-serif";
    var step = tickStep(span, canvas.clientWidth);
    for (var t = Math.ceil(state.v0 / step) * step; t <= state.v1; t += step) {
      var tx = (t - state.v0) / span * w;
      g.fillRect(tx, h - axis, dpr, 4 * dpr);
      g.fillText(fmt(t).replace(/\.0$/, ""), tx + 3 * dpr, h - 4 * dpr);
    }
  }

  function renderMarkers() {
    var box = $("markers");
    box.textContent = "";
    state.chapters.forEach(function (c, i) {
      if (c.start < state.v0 || c.start > state.v1) { return; }
      // A label stops short of the next marker.
      var next = i + 1 < state.chapters.length ? xOf(state.chapters[i + 1].start) : wrap.clientWidth;
      var room = Math.min(180, next - xOf(c.start) - 8);
      var m = document.createElement("div");
      m.className = "marker" + (c.id === state.selected ? " selected" : "");
      m.dataset.id = c.id;
      m.style.left = xOf(c.start) + "px";
      m.title = fmt(c.start) + " " + c.title;
      var label = document.createElement("span");
      label.textContent = c.title;
      label.style.maxWidth = Math.max(0, room) + "px";
      if (room < 14) { label.style.display = "none"; }
      m.append(label);
      box.append(m);
    });
    draw();
    drawPlayhead();
  }

  function drawPlayhead() {
    var t = audio.currentTime || 0;
    var ph = $("playhead");
    ph.style.display = t >= state.v0 && t <= state.v1 ? "" : "none";
    ph.style.left = xOf(t) + "px";
  }

  function setView(v0, v1) {
    var d = state.duration;
    var span = Math.min(d, Math.max(2, v1 - v0));
    v0 = Math.max(0, Math.min(v0, d - span));
    state.v0 = v0;
    state.v1 = v0 + span;
    renderMarkers();
  }

  function zoom(f, center) {
    if (center === undefined) { center = Math.min(state.v1, Math.max(state.v0, audio.currentTime || 0)); }
    var v0 = center - (center - state.v0) * f, v1 = center + (state.v1 - center) * f;
    setView(v0, v1);
  }

  $("zoom-in").addEventListener("click", function () { zoom(0.5); });
  $("zoom-out").addEventListener("click", function () { zoom(2); });
  $("zoom-fit").addEventListener("click", function () { setView(0, state.duration); });
  wrap.addEventListener("wheel", function (e) {
    e.preventDefault();
    if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      var span = state.v1 - state.v0;
      setView(state.v0 + e.deltaX / wrap.clientWidth * span, state.v1 + e.deltaX / wrap.clientWidth * span);
    } else {
      zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX));
    }
  }, { passive: false });

  // Dragging a marker moves its chapter; a click elsewhere seeks.
  var drag = null;
  wrap.addEventListener("pointerdown", function (e) {
    var m = e.target.closest(".marker");
    if (m) {
      var c = find(Number(m.dataset.id));
      if (!c) { return; }
      drag = { c: c, el: m, moved: false };
      wrap.setPointerCapture(e.pointerId);
      select(c.id, true);
      drag.el = document.querySelector('.marker[data-id="' + c.id + '"]');
      e.preventDefault();
      return;
    }
    audio.currentTime = timeAt(e.clientX);
    drawPlayhead();
  });
  wrap.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var t = ms(Math.min(state.duration - 0.001, timeAt(e.clientX)));
    drag.c.start = t;
    drag.moved = true;
    if (drag.el) {
      drag.el.style.left = xOf(t) + "px";
      drag.el.title = fmt(t) + " " + drag.c.title;
    }
    var input = document.querySelector('#chapters li[data-id="' + drag.c.id + '"] input.start');
    if (input) { input.value = fmt(t); }
  });
  function endDrag() {
    if (!drag) { return; }
    var d = drag;
    drag = null;
    if (d.moved) {
      markDirty();
      renderChapters();
      select(d.c.id, true);
      status("Moved “" + d.c.title + "” to " + fmt(d.c.start) + ".");
    }
  }
  wrap.addEventListener("pointerup", endDrag);
  wrap.addEventListener("pointercancel", endDrag);

  // The playhead follows the audio; the window follows the playhead.
  function tick() {
    var t = audio.currentTime || 0;
    if (state.stopAt >= 0 && t >= state.stopAt) {
      state.stopAt = -1;
      audio.pause();
    }
    if ((t < state.v0 || t > state.v1) && !drag) {
      var span = state.v1 - state.v0;
      setView(t - span * 0.1, t + span * 0.9);
    }
    drawPlayhead();
    followTranscript(t);
  }
  function loop() {
    tick();
    if (!audio.paused) { requestAnimationFrame(loop); }
  }
  audio.addEventListener("play", function () { requestAnimationFrame(loop); });
  audio.addEventListener("seeked", tick);
  audio.addEventListener("timeupdate", tick);
  audio.addEventListener("pause", function () { if (audio.currentTime < state.stopAt - 0.05) { state.stopAt = -1; } });
  audio.addEventListener("error", function () { status("The audio did not load.", "error"); });
  window.addEventListener("resize", renderMarkers);

  $("add-playhead").addEventListener("click", function () {
    addChapter(audio.currentTime || 0, "New chapter");
  });

  // Save and regenerate.

  function payload() {
    return {
      version: state.version,
      chapters: state.chapters.map(function (c) { return { start: c.start, title: c.title, url: c.url }; }),
    };
  }

  function showWarnings(list) {
    var ul = $("warnings");
    ul.textContent = "";
    (list || []).forEach(function (w) {
      var li = document.createElement("li");
      li.textContent = w;
      ul.append(li);
    });
  }

  function save() {
    setState("saving");
    status("Saving…");
    return api("POST", "api/chapters", payload()).then(function (r) {
      state.version = r.version;
      setChapters(r.chapters);
      $("source").textContent = "from " + r.source;
      markClean();
      renderChapters();
      showWarnings(r.warnings);
      status("Saved " + r.chapters.length + " chapters to " + state.ep.chaptersFile + ".", "ok");
      setState("saved");
    }, function (e) {
      status("Not saved: " + e.message, "error");
      setState("error");
      throw e;
    });
  }

  $("save").addEventListener("click", function () { save().catch(function () {}); });

  $("regenerate").addEventListener("click", function () {
    var btn = $("regenerate");
    btn.disabled = true;
    (state.dirty ? save() : Promise.resolve()).then(function () {
      setState("regenerating");
      status("Regenerating: rebuilding the chapters, retagging the audio, uploading what changed…");
      return api("POST", "api/regenerate").then(function (r) {
        $("log").textContent = r.log.join("\n");
        var summary = r.log.filter(function (l) { return /^\d+ (would be )?uploaded/.test(l); })[0] || "";
        status("Regenerated: " + (summary || "done") + ".", "ok");
        setState("regenerated");
      }, function (e) {
        $("log").textContent = (e.body && e.body.log ? e.body.log.join("\n") + "\n" : "") + e.message;
        $("log-box").open = true;
        status("Regenerate failed: " + e.message, "error");
        setState("error");
      });
    }).catch(function () {}).then(function () { btn.disabled = false; });
  });

  window.addEventListener("beforeunload", function (e) {
    if (state.dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  // Loading.

  function loadPeaks() {
    api("GET", "api/peaks").then(function (r) {
      if (r.error) { state.peaksError = r.error; }
      if (r.peaks) {
        var bin = atob(r.peaks);
        var a = new Int8Array(bin.length);
        for (var i = 0; i < bin.length; i++) { a[i] = bin.charCodeAt(i) << 24 >> 24; }
        state.peaks = a;
        state.rate = r.rate;
      }
      draw();
      document.body.dataset.waveform = state.peaks ? "drawn" : "none";
    }, function (e) {
      state.peaksError = "No waveform: " + e.message;
      draw();
    });
  }

  function load() {
    if (!token) {
      status("Open the address `podpipe edit` printed: it holds this session's token.", "error");
      setState("error");
      return;
    }
    api("GET", "api/episode").then(function (ep) {
      state.ep = ep;
      state.duration = ep.duration;
      state.version = ep.version;
      setChapters(ep.chapters);
      $("title").textContent = ep.title || ep.slug;
      $("meta").textContent = ep.audio + " · " + fmt(ep.duration) + " · saves to " + ep.chaptersFile;
      $("source").textContent = "from " + ep.source;
      $("timing").textContent = "timing: " + ep.timing;
      $("regenerate").disabled = !ep.regenerate;
      showWarnings(ep.warnings);
      markClean();
      audio.src = "audio";
      state.v0 = 0;
      state.v1 = ep.duration;
      renderUnits();
      renderChapters();
      loadPeaks();
      setState("ready");
    }, function (e) {
      status("Cannot load the episode: " + e.message, "error");
      setState("error");
    });
  }

  load();
})();
