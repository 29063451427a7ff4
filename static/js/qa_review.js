// The review screen's keys (Y, N, S, J, C): a static file, since the CSP allows no inline script.
(function () {
  var form = document.getElementById("decide"), comment = document.getElementById("comment");
  var focus = document.querySelector(".qa-focus"); if (focus) { focus.scrollIntoView({block: "center"}); }
  function send(action) {
    var b = form.querySelector('button[value="' + action + '"]'); if (b) { b.click(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var k = e.key.toLowerCase();
    if (k === "y") { send("confirm"); } else if (k === "n") { send("dismiss"); }
    else if (k === "s") { send("score"); } else if (k === "j") { send("skip"); }
    else if (k === "c") { e.preventDefault(); comment.focus(); } else { return; }
  });
})();
