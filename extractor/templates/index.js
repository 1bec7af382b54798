(function () {
  "use strict";
  var table = document.getElementById("reports"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter"), only = document.getElementById("only");
  var count = document.getElementById("count");
  function apply() {
    var q = filter.value.trim().toLowerCase(), want = only.value, shown = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) !== -1) &&
        (want === "all" || (want === "failed" && r.dataset.failed === "1") ||
         (want === "warnings" && r.dataset.warnings !== "0"));
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " shown";
  }
  filter.addEventListener("input", apply);
  only.addEventListener("change", apply);
  table.tHead.addEventListener("click", function (ev) {
    var th = ev.target.closest("th");
    if (!th) { return; }
    var col = th.cellIndex, numeric = th.dataset.type === "num";
    var dir = th.classList.contains("asc") ? -1 : 1;
    table.tHead.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
    th.classList.add(dir === 1 ? "asc" : "desc");
    function key(r) {
      var c = r.cells[col], v = c.dataset.v !== undefined ? c.dataset.v : c.textContent;
      return numeric ? (v === "" ? -Infinity : Number(v)) : v.toLowerCase();
    }
    rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * dir; });
    rows.forEach(function (r) { body.appendChild(r); });
  });
  apply();
})();
