// Source documents: turn a text selection into a W3C text-quote selector (exact, prefix, suffix)
// and put it into the highlight and quote forms.
(function () {
  "use strict";
  var CONTEXT = 32;

  // The document's own text in `root` (a copy: it is changed), without the marks' own links
  // (data-mark-label), which are not part of the document and would shift the selector.
  function documentText(root) {
    root.querySelectorAll("[data-mark-label]").forEach(function (label) { label.remove(); });
    return root.textContent;
  }

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return documentText(range.cloneContents()).length;
  }

  function capture() {
    var container = document.getElementById("document-text");
    var selection = window.getSelection();
    if (!container || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
    var text = documentText(container.cloneNode(true));
    var start = offsetIn(container, range.startContainer, range.startOffset);
    var end = offsetIn(container, range.endContainer, range.endOffset);
    var exact = text.slice(start, end);
    var trimmedStart = start + (exact.length - exact.replace(/^\s+/, "").length);
    exact = exact.trim();
    if (!exact) return;
    var exactEnd = trimmedStart + exact.length;
    var values = {
      exact: exact,
      prefix: text.slice(Math.max(0, trimmedStart - CONTEXT), trimmedStart),
      suffix: text.slice(exactEnd, exactEnd + CONTEXT),
    };
    document.querySelectorAll("[data-quote]").forEach(function (field) { field.value = values[field.dataset.quote]; });
    var quoteText = document.querySelector('[data-quote-into="text"]');
    if (quoteText && !quoteText.value) quoteText.value = "“" + exact + "”";
    var tools = document.getElementById("selection-tools");
    if (tools) tools.classList.add("has-selection");
  }

  document.addEventListener("mouseup", capture);
  document.addEventListener("keyup", function (event) { if (event.shiftKey) capture(); });
  document.addEventListener("touchend", function () { setTimeout(capture, 50); });
})();
