// Colour the map's statements by the results: consensus, controversy or opinion group.
// The switch (#map-colour) is hidden until this script runs; the colours come from the results'
// JSON (data-source) and are set as data attributes on every [data-statement-id] node, which
// results.css colours. After htmx swaps part of the map, the colours are fetched and set again.
(function () {
  "use strict";
  var select = document.getElementById("map-colour");
  if (!select) return;
  var box = select.closest(".map-colour");
  var storageKey = "map-colour:" + location.pathname;
  var modes = ["consensus", "controversy", "group"];
  var data = null;
  var timer = null;

  function apply() {
    var mode = select.value;
    var root = document.body;
    modes.forEach(function (m) { root.classList.remove("colour-by-" + m); });
    box.querySelectorAll("[data-legend]").forEach(function (legend) {
      legend.hidden = legend.getAttribute("data-legend") !== mode;
    });
    if (!mode || !data) return;
    root.classList.add("colour-by-" + mode);
    document.querySelectorAll("[data-statement-id]").forEach(function (node) {
      var info = data.statements[node.getAttribute("data-statement-id")];
      modes.forEach(function (m) {
        if (info && info[m]) node.setAttribute("data-" + m, info[m]);
        else node.removeAttribute("data-" + m);
      });
      if (info && info.group_name) node.setAttribute("data-group-name", info.group_name);
      else node.removeAttribute("data-group-name");
    });
  }

  function load() {
    if (!select.value) { apply(); return; }
    fetch(select.getAttribute("data-source"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (json) { data = json; apply(); })
      .catch(function () { data = null; apply(); });
  }

  box.hidden = false;
  select.addEventListener("change", function () {
    try { sessionStorage.setItem(storageKey, select.value); } catch (e) { /* private mode */ }
    load();
  });
  // Live updates swap regions of the map: colour the new nodes, with fresh figures, once things settle.
  document.addEventListener("htmx:after:swap", function () {
    if (!select.value) return;
    clearTimeout(timer);
    timer = setTimeout(load, 400);
  });
  var saved = null;
  try { saved = sessionStorage.getItem(storageKey); } catch (e) { saved = null; }
  if (saved && modes.indexOf(saved) >= 0) { select.value = saved; load(); }
})();
