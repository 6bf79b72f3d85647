// Live updates. htmx's SSE extension keeps #live-stream connected to the workshop's event stream
// (and reconnects with the last event id). Each named event says what changed; this script
// re-fetches the server-rendered regions it concerns, so every user sees their own view of them
// (their votes, their permissions) and no HTML is ever built here.
//
// Regions are found by id: #outline, #banners, #whoami (name and head count), #statement-<id>-tally
// and the detail panel (#detail, while it shows the statement concerned). Pages without a region ignore
// its events. A page can also mark any element with data-live-refresh="event names" and
// data-live-url="GET url": it is re-fetched on those events (the projector does this).
(function () {
  "use strict";

  // Stay connected while the page is in the background: a projector behind another window, or a
  // phone whose participant glanced at notes, must show the room as it is when looked at again.
  // Each message is small and the re-fetches below are coalesced, so a hidden page costs little.
  if (window.htmx) window.htmx.config.sse = Object.assign({}, window.htmx.config.sse, { pauseOnBackground: false });

  var DELAYS = { map: 700, tally: 500, banner: 50, people: 400, annotations: 300, workshop: 300, presence: 300 };
  // The open panel's vote widget, when others' votes cannot be set in place: it catches up within
  // this, at most one request per page however fast the room votes.
  var WIDGET_DELAY = 1500;
  var pending = new Map();

  function later(key, delay, job) {
    if (pending.has(key)) return; // already scheduled: one fetch answers a whole burst
    pending.set(key, setTimeout(function () { pending.delete(key); job(); }, delay));
  }

  // Each region is the source of its own request: htmx queues requests per source element and
  // keeps only the first that waits, so regions sharing one source (the body) dropped each other's.
  // A region is never asked for again while its request is in flight: htmx would queue the second
  // on the element the first then replaces, and drop its answer (its target has left the page), so
  // the region would miss the change that asked for it. It is asked for once more when the first
  // has landed, from the element now in the page.
  var inFlight = new Map(); // selector -> null, or the {url, swap} asked for meanwhile

  function refresh(selector, url, swap) {
    if (!url || !document.querySelector(selector) || !window.htmx) return;
    if (inFlight.has(selector)) {
      inFlight.set(selector, { url: url, swap: swap });
      return;
    }
    inFlight.set(selector, null);
    window.htmx.ajax("GET", url, { source: selector, target: selector, swap: swap || "outerHTML" })
      .catch(function () {})
      .then(function () {
        var again = inFlight.get(selector);
        inFlight.delete(selector);
        if (again) refresh(selector, again.url, again.swap);
      });
  }

  // One request for every outline tally that changed in a burst; each comes back out of band.
  var changedTallies = new Set();

  function refreshTallies(url) {
    var ids = Array.from(changedTallies).filter(function (id) {
      return document.getElementById("statement-" + id + "-tally");
    });
    changedTallies.clear();
    if (!url || !ids.length || !window.htmx) return;
    var query = "?ids=" + ids.map(encodeURIComponent).join(",");
    // Its own source, so it never takes a place in the queue of a reader's clicks (on the body).
    window.htmx.ajax("GET", url + query, { source: "#live-stream", target: "#live-stream", swap: "none" })
      .catch(function () {});
  }

  // A vote event carries the outline tally's figures when everyone may see them: set them in place
  // (text only) instead of asking for them. False when this page must ask: its tally is hidden
  // until the viewer votes, or the event came without figures.
  function setTally(id, tally) {
    var element = document.getElementById("statement-" + id + "-tally");
    if (!element) return true;
    var agree = element.querySelector(".tally-agree"), disagree = element.querySelector(".tally-disagree");
    var up = Number(tally && tally.agree), down = Number(tally && tally.disagree);
    if (!agree || !disagree || !Number.isInteger(up) || !Number.isInteger(down)) return false;
    var texts = [agree.firstChild, disagree.firstChild];
    if (texts.some(function (text) { return !text || text.nodeType !== Node.TEXT_NODE; })) return false;
    agree.firstChild.nodeValue = "\u25B2 " + up;
    disagree.firstChild.nodeValue = "\u25BC " + down;
    return true;
  }

  // The same figures in the open panel's vote widget: its tally line and bar. False when the
  // widget must be fetched: it shows no line (no votes yet, or hidden), or a lens vote moved a mean.
  function setWidgetTally(id, data) {
    var widget = document.getElementById("statement-" + id + "-votes");
    var line = widget && widget.querySelector(".tally-line");
    var bar = widget && widget.querySelector(".tally-bar");
    if (!line || !bar || data.kind !== "agreement" || !data.tally) return false;
    var figures = ["agree", "unsure", "disagree"].map(function (name) { return Number(data.tally[name]); });
    var total = figures[0] + figures[1] + figures[2];
    if (!figures.every(Number.isInteger) || total < 1) return false;
    var shown = ["agree", "unsure", "disagree"].map(function (name) {
      return line.querySelector(".tally-" + name + " .tally-n");
    });
    var rects = ["agree", "unsure", "disagree"].map(function (name) { return bar.querySelector(".bar-" + name); });
    if (shown.indexOf(null) >= 0 || rects.indexOf(null) >= 0) return false;
    var x = 0;
    figures.forEach(function (figure, n) {
      shown[n].textContent = String(figure);
      rects[n].setAttribute("x", String(x));
      rects[n].setAttribute("width", String(figure));
      x += figure;
    });
    bar.setAttribute("viewBox", "0 0 " + total + " 1");
    return true;
  }

  // A region of the open panel is never replaced while the reader has changed a field in it (a
  // comment being written, an edit under way): it catches up once the draft is sent or undone.
  var DRAFT_RETRY = 1500;

  // A confirmation just shown ("Added to the map.", "Your comment is posted.") is left to be read
  // for a few seconds before a live refresh replaces the region holding it.
  var NOTE_READING = 4000;

  function noteBeingRead(element) {
    var now = Date.now();
    return Array.prototype.some.call(element.querySelectorAll(".note[role=status]"), function (note) {
      if (!note.dataset.shownAt) note.dataset.shownAt = String(now);
      return now - Number(note.dataset.shownAt) < NOTE_READING;
    });
  }

  document.addEventListener("htmx:after:swap", function () {
    document.querySelectorAll(".note[role=status]:not([data-shown-at])").forEach(function (note) {
      note.dataset.shownAt = String(Date.now());
    });
  });

  function hasDraft(element) {
    if (element && noteBeingRead(element)) return true;
    var fields = element ? element.querySelectorAll("textarea, input:not([type=hidden]), select") : [];
    return Array.prototype.some.call(fields, function (field) {
      // A form sent back with an error holds the words it refused as their defaults (marked
      // data-refused): still a draft, kept with its error until sent again or emptied.
      if (field.hasAttribute("data-refused") && field.value.trim()) return true;
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        // Without a default, a single select starts at its first option.
        var initial = field.multiple ? -1 : 0;
        Array.prototype.forEach.call(field.options, function (option, n) {
          if (option.defaultSelected && initial <= 0) initial = n;
        });
        if (!field.multiple) return field.selectedIndex !== initial;
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      return field.value !== field.defaultValue;
    });
  }

  function refreshKeepingDrafts(key, selector, url, swap) {
    if (hasDraft(document.querySelector(selector))) {
      later(key, DRAFT_RETRY, function () { refreshKeepingDrafts(key, selector, url, swap); });
      return;
    }
    refresh(selector, url, swap);
  }

  function withId(template, id) {
    return template ? template.replace("/s/0/", "/s/" + encodeURIComponent(id) + "/") : "";
  }

  function openStatementId() {
    var panel = document.querySelector("#detail [data-statement-id]");
    return panel ? panel.getAttribute("data-statement-id") : null;
  }

  function handle(stream, name, data) {
    var urls = stream.dataset;
    var delay = DELAYS[name] || 300;
    var filters = window.location.search || "";
    // A new phase changes what everyone may do: the forms in the outline and the panel follow it.
    var phase = data.verb === "workshop.phase_changed";
    if (name === "map" || phase) {
      later("outline", delay, function () { refresh("#outline", urls.outlineUrl + filters); });
    }
    if (phase) {
      later("add-position", delay, function () {
        refreshKeepingDrafts("add-position", "#add-position", urls.addPositionUrl);
      });
    }
    if (name === "banner" || name === "workshop" || name === "map") {
      later("banners", DELAYS.banner, function () { refresh("#banners", urls.bannersUrl); });
    }
    if (name === "people" || name === "presence") {
      later("count", delay, function () { refresh("#whoami", urls.countUrl); });
    }
    if (name === "tally" && data.statement && !(data.tally && setTally(data.statement, data.tally))) {
      changedTallies.add(String(data.statement));
      later("tallies", delay, function () { refreshTallies(urls.talliesUrl); });
    }
    var open = openStatementId();
    var aboutOpen = open && ((data.statement && String(data.statement) === open) ||
      (name === "map" && data.parent && String(data.parent) === open));
    if (aboutOpen && name === "tally" && !phase) {
      // Others' votes change only the panel's vote widget: set in place, or fetched when it cannot be.
      if (!setWidgetTally(open, data)) {
        later("widget", WIDGET_DELAY, function () {
          refresh("#statement-" + open + "-votes", withId(urls.votesUrl, open));
        });
      }
    } else if (aboutOpen && name === "annotations" && !phase) {
      // A comment changes only the panel's comments.
      later("annotations", delay, function () {
        refreshKeepingDrafts("annotations", "#statement-" + open + "-annotations", withId(urls.annotationsUrl, open));
      });
    } else if ((aboutOpen && name !== "presence") || (phase && open)) {
      later("detail", delay, function () {
        refreshKeepingDrafts("detail", "#detail", withId(urls.detailUrl, open), "innerHTML");
      });
    }
    document.querySelectorAll("[data-live-refresh]").forEach(function (element) {
      if (element.id && element.dataset.liveRefresh.split(/\s+/).indexOf(name) >= 0) {
        later("el:" + element.id, delay, function () { refresh("#" + element.id, element.dataset.liveUrl); });
      }
    });
  }

  // The stream refuses (403) a browser without a seat: a moderator removed this participant, or
  // this moderator signed out elsewhere, while the stream was opening or away, so no event could
  // say so. The page itself is asked for again: its answer to a browser without a seat takes the
  // whole page where it belongs (the join page, which says why, or signing in). With a seat, its
  // answer changes nothing here.
  function whenRefused(stream, event) {
    var detail = event.detail || {};
    var status = detail.status || (detail.ctx && detail.ctx.response && detail.ctx.response.status);
    if (status === 403 && window.htmx) {
      window.htmx.ajax("GET", stream.dataset.pageUrl, { source: "#live-stream", swap: "none" }).catch(function () {});
    }
  }

  function connect() {
    var stream = document.getElementById("live-stream");
    if (!stream) return;
    // The first connection is an htmx request; reconnections are the SSE extension's own.
    stream.addEventListener("htmx:response:error", function (event) { whenRefused(stream, event); });
    stream.addEventListener("htmx:sse:error", function (event) { whenRefused(stream, event); });
    Object.keys(DELAYS).forEach(function (name) {
      stream.addEventListener(name, function (event) {
        var data = {};
        try { data = JSON.parse((event.detail && event.detail.data) || "{}"); } catch (error) { data = {}; }
        handle(stream, name, data);
      });
    });
    stream.addEventListener("presence", function (event) {
      try {
        var data = JSON.parse(event.detail.data);
        document.querySelectorAll("[data-live-presence]").forEach(function (element) {
          element.textContent = String(data.connected);
        });
      } catch (error) { /* a malformed message changes nothing */ }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
