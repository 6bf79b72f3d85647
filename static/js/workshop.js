// The participant's workshop page: the outline as a keyboard-operable tree, the countdown of the
// moderator's timer, and keeping focus sensible when htmx swaps the detail panel in.
(function () {
  "use strict";

  var COLLAPSED_KEY = "deliberation:collapsed:" + location.pathname;

  function collapsedSet() {
    try { return new Set(JSON.parse(sessionStorage.getItem(COLLAPSED_KEY) || "[]")); } catch (e) { return new Set(); }
  }
  function saveCollapsed(set) {
    try { sessionStorage.setItem(COLLAPSED_KEY, JSON.stringify(Array.from(set))); } catch (e) { /* private mode */ }
  }

  function items(tree) {
    // Visible treeitems, in reading order (items inside collapsed groups are skipped).
    return Array.prototype.filter.call(tree.querySelectorAll('[role="treeitem"]'), function (item) {
      var group = item.parentElement.closest('[role="treeitem"]');
      while (group) {
        if (group.getAttribute("aria-expanded") === "false") return false;
        group = group.parentElement.closest('[role="treeitem"]');
      }
      return true;
    });
  }

  function setExpanded(item, expanded) {
    if (!item.hasAttribute("aria-expanded")) return;
    item.setAttribute("aria-expanded", expanded ? "true" : "false");
    var set = collapsedSet();
    var id = item.id;
    if (expanded) set.delete(id); else set.add(id);
    saveCollapsed(set);
  }

  function focusItem(tree, item) {
    tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach(function (other) { other.tabIndex = -1; });
    item.tabIndex = 0;
    item.focus();
  }

  function initTree(tree) {
    if (tree.dataset.ready) return;
    tree.dataset.ready = "1";
    var collapsed = collapsedSet();
    tree.querySelectorAll('[role="treeitem"][aria-expanded]').forEach(function (item) {
      if (collapsed.has(item.id)) item.setAttribute("aria-expanded", "false");
    });
    tree.querySelectorAll("button.toggle").forEach(function (button) { button.hidden = false; });
    // One tab stop for the whole tree (arrow keys move inside it); Enter opens the statement.
    tree.querySelectorAll("a").forEach(function (link) { link.tabIndex = -1; });

    tree.addEventListener("click", function (event) {
      var toggle = event.target.closest("button.toggle");
      if (!toggle) return;
      var item = toggle.closest('[role="treeitem"]');
      setExpanded(item, item.getAttribute("aria-expanded") === "false");
    });

    tree.addEventListener("keydown", function (event) {
      var item = event.target.closest('[role="treeitem"]');
      if (!item || event.target !== item) return;
      var list = items(tree);
      var index = list.indexOf(item);
      var expanded = item.getAttribute("aria-expanded");
      var handled = true;
      switch (event.key) {
        case "ArrowDown": if (index < list.length - 1) focusItem(tree, list[index + 1]); break;
        case "ArrowUp": if (index > 0) focusItem(tree, list[index - 1]); break;
        case "Home": focusItem(tree, list[0]); break;
        case "End": focusItem(tree, list[list.length - 1]); break;
        case "ArrowRight":
          if (expanded === "false") setExpanded(item, true);
          else if (expanded === "true") { var child = item.querySelector('[role="treeitem"]'); if (child) focusItem(tree, child); }
          break;
        case "ArrowLeft":
          if (expanded === "true") setExpanded(item, false);
          else { var parent = item.parentElement.closest('[role="treeitem"]'); if (parent) focusItem(tree, parent); }
          break;
        case "Enter": case " ":
          var open = item.querySelector(":scope > .node-line > a");
          if (open) open.click();
          break;
        default: handled = false;
      }
      if (handled) event.preventDefault();
    });

    tree.addEventListener("focusin", function (event) {
      var item = event.target.closest('[role="treeitem"]');
      if (item && event.target === item) {
        tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach(function (other) { if (other !== item) other.tabIndex = -1; });
        item.tabIndex = 0;
      }
    });
  }

  function selectInOutline(statementId) {
    document.querySelectorAll(".node.selected").forEach(function (node) { node.classList.remove("selected"); });
    var node = document.getElementById("outline-" + statementId);
    if (!node) return;
    node.classList.add("selected");
    // Open the collapsed branches that hide it.
    var parent = node.parentElement.closest('[role="treeitem"]');
    while (parent) { if (parent.getAttribute("aria-expanded") === "false") setExpanded(parent, true); parent = parent.parentElement.closest('[role="treeitem"]'); }
  }

  // The moderator's timer: count down from data-ends-at without asking the server.
  function tick() {
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var raw = el.dataset.endsAt;
      var ends = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw); // epoch milliseconds or ISO 8601
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("ending", left <= 30);
      // At zero the banner says so in words, rather than showing "Time left: 0:00" until a reload.
      var banner = left === 0 && el.closest("[data-time-up]");
      if (banner) banner.textContent = banner.dataset.timeUp;
    });
  }

  function init(root) {
    (root || document).querySelectorAll('[role="tree"]').forEach(initTree);
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    setInterval(tick, 1000);
    var switcher = document.querySelector(".view-switch");
    if (switcher) switcher.hidden = false;
    var detail = document.querySelector("#detail .detail");
    if (detail) { shownStatement = detail.dataset.statementId; selectInOutline(shownStatement); }
  });

  // An action (a vote, a comment, a form) that never reached the server says so, rather than
  // failing silently; the next answer from the server clears the notice. Live refreshes (GET) are
  // left out: the stream reconnects by itself and catches up.
  function requestFailedNotice(show) {
    var notice = document.getElementById("request-failed");
    if (notice) notice.hidden = !show;
  }
  document.addEventListener("htmx:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var method = ctx && ctx.request && ctx.request.method;
    if (method && method.toUpperCase() !== "GET") requestFailedNotice(true);
  });
  document.addEventListener("htmx:after:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (ctx && ctx.response) requestFailedNotice(false);
  });

  var shownStatement = null;
  document.addEventListener("htmx:after:swap", function () {
    init(document);
    var panel = document.getElementById("detail");
    var article = panel && panel.querySelector(".detail");
    var id = article ? article.dataset.statementId : null;
    if (id === shownStatement) return;
    shownStatement = id;
    if (!article) return;
    // The address names the statement shown, so a reload or a shared link opens the same one
    // (replaced, not pushed: the back button leaves the map rather than stepping through panels).
    if (article.dataset.url && location.pathname !== article.dataset.url) {
      history.replaceState(history.state, "", article.dataset.url + location.search);
    }
    selectInOutline(id);
    document.dispatchEvent(new CustomEvent("deliberation:select", { detail: { id: id } }));
    var heading = panel.querySelector("#detail-title");
    if (heading) heading.focus({ preventScroll: true });
    if (window.matchMedia("(max-width: 900px)").matches) panel.scrollIntoView({ block: "start" });
  });

  // Choosing "evidence" opens the source fields it needs, rather than telling of a missing source
  // only after the form is sent.
  document.addEventListener("change", function (event) {
    var choice = event.target;
    if (choice.name !== "kind" || choice.value !== "evidence" || !choice.checked || !choice.form) return;
    var fields = choice.form.querySelector("details.source-fields");
    if (fields) fields.open = true;
  });

  // Keyboard focus survives a swap that replaces the focused control (a vote button, a form, the
  // outline refreshed by a live update): the same control in the new content takes it back, at
  // the same place on screen, instead of focus falling to <body> and the page jumping.
  var refocus = null;
  document.addEventListener("htmx:before:swap", function () {
    var active = document.activeElement;
    if (!active || active === document.body || refocus) return;
    var anchor = active.id ? null : active.closest("[id]");
    refocus = {
      element: active, id: active.id, anchor: anchor && anchor.id, tag: active.tagName.toLowerCase(),
      name: active.getAttribute("name"), value: active.getAttribute("value"), top: active.getBoundingClientRect().top,
    };
  });
  document.addEventListener("htmx:after:swap", function () {
    var was = refocus;
    refocus = null;
    if (!was || was.element.isConnected) return;
    var active = document.activeElement;
    // htmx itself focuses an element with the same id, scrolling it into view: keep it in place.
    if (active && active !== document.body && !(was.id && active.id === was.id)) return;
    var again = was.id ? document.getElementById(was.id) : null;
    var anchor = !again && was.anchor ? document.getElementById(was.anchor) : null;
    if (anchor) {
      var selector = was.tag + (was.name ? '[name="' + CSS.escape(was.name) + '"]' : "") +
        (was.value !== null ? '[value="' + CSS.escape(was.value) + '"]' : "");
      again = anchor.querySelector(selector);
    }
    if (!again) return;
    var tree = again.getAttribute("role") === "treeitem" && again.closest('[role="tree"]');
    if (tree) tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach(function (other) { other.tabIndex = -1; });
    if (tree) again.tabIndex = 0;
    again.focus({ preventScroll: true });
    window.scrollBy(0, again.getBoundingClientRect().top - was.top);
  });

  // Statement links in the outline are plain links (so a 2,000-node outline stays light); with
  // htmx they open the detail panel in place.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.node-open");
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    window.htmx.ajax("GET", link.getAttribute("href"), { target: "#detail", swap: "innerHTML" });
  });

  // "Jump to it" in the focus banner: also show the statement in the outline.
  document.addEventListener("click", function (event) {
    var jump = event.target.closest("[data-jump]");
    if (!jump) return;
    selectInOutline(jump.dataset.jump);
    var node = document.getElementById("outline-" + jump.dataset.jump);
    if (node) node.scrollIntoView({ block: "center" });
  });
})();
