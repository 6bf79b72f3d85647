// Moderator pages: keyboard shortcuts in the queue, the console's countdown, the merge form's question.
// Keys act on the current row (j/k to move): x tick, a approve, r reject (focuses the reason;
// Enter sends it), h hide, u restore, l lock/unlock, f focus, e open. Each key clicks the row's
// element marked data-key, so a shortcut does exactly what the visible button does.
(function () {
  "use strict";

  var current = null;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }

  function mark(row) {
    if (current) current.classList.remove("current-row");
    current = row;
    row.classList.add("current-row");
  }

  function select(row) {
    if (!row) return;
    mark(row);
    row.focus({ preventScroll: false });
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = current ? all.findIndex(function (r) { return r.dataset.row === current.dataset.row; }) : -1;
    select(all[Math.min(all.length - 1, Math.max(0, index + step))]);
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key.toLowerCase();
    if (key === "j") { move(1); event.preventDefault(); return; }
    if (key === "k") { move(-1); event.preventDefault(); return; }
    if (!current || !document.body.contains(current)) {
      current = current ? document.getElementById("row-" + current.dataset.row) : null;
      if (!current) return;
    }
    var target = current.querySelector('[data-key="' + key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "INPUT" && target.type !== "checkbox") { target.focus(); return; }
    target.click();
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("[data-row]");
    if (row) mark(row);
  });

  // After htmx swaps the queue (an action's answer, or a live refresh when others add or handle
  // statements), keep the same row current, or the one that took its place when it left the list
  // (approved from "Needs attention", hidden from "Visible", by this moderator or another).
  var lastIndex = -1;
  document.addEventListener("htmx:before:swap", function () {
    lastIndex = current ? rows().findIndex(function (r) { return r.dataset.row === current.dataset.row; }) : -1;
  });
  document.addEventListener("htmx:after:swap", function () {
    tick();
    if (!current) return;
    var all = rows();
    var row = document.getElementById("row-" + current.dataset.row);
    if (!row && all.length && lastIndex >= 0) row = all[Math.min(lastIndex, all.length - 1)];
    current = null;
    if (!row) return;
    // Focus the row only when the swap took the focus away with it: a refresh must not take the
    // keyboard from a field being typed in (a reason, kept by hx-preserve), or its letters would
    // become shortcuts.
    var focused = document.activeElement;
    if (!focused || focused === document.body) select(row);
    else mark(row);
  });

  // hx-preserve keeps a field through a live refresh of its region, as the moderator left it. A
  // field they have not touched is let go instead (its id dropped just before the swap, so htmx
  // finds nothing to keep), and shows the room as it is now: the note another moderator has just
  // published, say. A field in use, or sent back refused (data-refused), is kept.
  function touched(field) {
    if (field === document.activeElement) return true;
    if (field.hasAttribute("data-refused") && field.value.trim()) return true;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) { return option.selected !== option.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  document.addEventListener("htmx:before:swap", function (event) {
    ((event.detail && event.detail.tasks) || []).forEach(function (task) {
      var region = task.target;
      if (!region || !region.contains || !task.fragment || !task.fragment.querySelectorAll) return;
      task.fragment.querySelectorAll("[hx-preserve][id]").forEach(function (incoming) {
        var field = document.getElementById(incoming.id);
        if (field && region.contains(field) && !touched(field)) field.removeAttribute("id");
      });
    });
  });

  function tick() {
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.dataset.endsAt) - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("ending", left <= 30);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });

  // The merge form's question names the two numbers typed, so the moderator sees which statement
  // leaves the map before it goes (undoing a merge later cannot unfold votes it had to fold together).
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest && event.target.closest("form[data-confirm-numbers]");
    if (!form) return;
    var duplicate = form.elements.duplicate.value.trim().replace(/^#/, "");
    var survivor = form.elements.survivor.value.trim().replace(/^#/, "");
    if (!duplicate || !survivor) return;
    event.preventDefault();
    var question = form.dataset.confirmNumbers.split("{duplicate}").join(duplicate).split("{survivor}").join(survivor);
    if (window.confirm(question)) event.detail.issueRequest(); else event.detail.dropRequest();
  });
})();
