(function () {
  "use strict";
  var btn = document.getElementById("copy");
  var field = document.getElementById("feed-url");
  if (!btn || !field) { return; }
  btn.hidden = false;
  btn.addEventListener("click", function () {
    var done = function () {
      btn.textContent = btn.getAttribute("data-copied");
      btn.setAttribute("aria-live", "polite");
    };
    field.select();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        if (document.execCommand("copy")) { done(); }
      });
    } else if (document.execCommand("copy")) {
      done();
    }
  });
})();
