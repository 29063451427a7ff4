// The intraday room refreshes itself: fetch the panel every data-every seconds and swap it in.
(function () {
  "use strict";
  function start() {
    var panel = document.getElementById("id-panel");
    if (!panel) { return; }
    var every = parseInt(panel.getAttribute("data-every"), 10) || 30;
    setInterval(function () {
      fetch(panel.getAttribute("data-src"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { panel.innerHTML = html; } })
        .catch(function () { /* keep the last panel; the next tick tries again */ });
    }, every * 1000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
