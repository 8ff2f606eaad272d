(function () {
  "use strict";
  var audio = document.getElementById("player");
  function seek(t) {
    if (!audio || isNaN(t)) { return false; }
    audio.currentTime = t;
    var p = audio.play();
    if (p && p.catch) { p.catch(function () {}); }
    return true;
  }
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-t]");
    if (el && seek(parseFloat(el.getAttribute("data-t")))) {
      e.preventDefault();
      var id = el.getAttribute("href");
      if (id && id.charAt(0) === "#" && history.replaceState) { history.replaceState(null, "", id); }
    }
  });
  if (!audio) { return; }
  var paras = Array.prototype.slice.call(document.querySelectorAll("[data-start]"));
  var current = null;
  audio.addEventListener("timeupdate", function () {
    var t = audio.currentTime, found = null;
    for (var i = 0; i < paras.length; i++) {
      if (parseFloat(paras[i].getAttribute("data-start")) <= t) { found = paras[i]; } else { break; }
    }
    if (found !== current) {
      if (current) { current.classList.remove("now"); current.removeAttribute("aria-current"); }
      if (found) { found.classList.add("now"); found.setAttribute("aria-current", "time"); }
      current = found;
    }
  });
  // A deep link seeks: #t=SECONDS, or a turn's or chapter's anchor (#u6).
  function seekHash() {
    var m = /^#t=(\d+(?:\.\d+)?)$/.exec(location.hash);
    if (m) { audio.currentTime = parseFloat(m[1]); return; }
    var id = location.hash.slice(1);
    var el = id && document.getElementById(id);
    var t = el && el.getAttribute("data-start");
    if (t !== null && t !== "" && t !== undefined) { audio.currentTime = parseFloat(t); }
  }
  seekHash();
  window.addEventListener("hashchange", seekHash);
})();
