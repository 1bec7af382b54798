(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var marks = {};  // key → the marks of its range, in text order
  document.querySelectorAll("#text mark").forEach(function (m) {
    m.dataset.k.split(" ").forEach(function (k) { (marks[k] = marks[k] || []).push(m); });
  });
  function flash(els) {
    els.forEach(function (e) { e.classList.remove("flash"); void e.offsetWidth; e.classList.add("flash"); });
    setTimeout(function () { els.forEach(function (e) { e.classList.remove("flash"); }); }, 1700);
  }
  function show(k) {
    var ms = marks[k];
    if (!ms) { return false; }
    ms[0].scrollIntoView({ block: "center" });
    flash(ms);
    return true;
  }
  function showRow(k) {
    var row = document.getElementById("f-" + k) || document.getElementById("record-pane").querySelector('[data-k="' + k + '"]');
    if (row) { row.scrollIntoView({ block: "center" }); flash([row]); }
  }
  var popup = document.getElementById("popup");
  function openPopup(mark) {
    var keys = mark.dataset.k.split(" "), ul = document.createElement("ul");
    keys.forEach(function (k) {
      var li = document.createElement("li"), f = data.fields[k];
      if (f) {
        var b = document.createElement("button");
        b.className = "link"; b.textContent = f.n + " = " + f.v + " (" + f.o + ")";
        b.addEventListener("click", function () { showRow(k); });
        li.appendChild(b);
      } else { li.textContent = "warning: " + data.warnings[k]; }
      ul.appendChild(li);
    });
    popup.replaceChildren(ul);
    var r = mark.getBoundingClientRect();
    popup.style.left = Math.max(4, Math.min(r.left, window.innerWidth - 430)) + "px";
    popup.style.top = Math.min(r.bottom + 4, window.innerHeight - 80) + "px";
    popup.hidden = false;
  }
  document.getElementById("text-pane").addEventListener("click", function (ev) {
    var m = ev.target.closest("mark");
    if (m) { openPopup(m); ev.stopPropagation(); } else { popup.hidden = true; }
  });
  document.getElementById("record-pane").addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-k]");
    popup.hidden = true;
    if (t) { ev.preventDefault(); show(t.dataset.k); return; }
    var a = ev.target.closest("[data-anchor]");
    if (a) { ev.preventDefault(); var el = document.getElementById(a.dataset.anchor); el.scrollIntoView({ block: "start" }); flash([el]); }
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { popup.hidden = true; } });
  var head = document.querySelector("header");
  document.documentElement.style.setProperty("--head", head.offsetHeight + "px");
})();
