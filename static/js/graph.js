// The graph view of the map: Cytoscape.js with a layered (dagre) layout, loaded only when the
// reader switches to it. Clicking a node opens the same detail panel as the outline.
(function () {
  "use strict";
  var me = document.currentScript;
  var cy = null;
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function libraries() {
    if (!loading) {
      loading = loadScript(me.dataset.cytoscape).then(function () { return loadScript(me.dataset.dagre); }).then(function () {
        if (window.cytoscapeDagre && !window.cytoscape.__dagre) { window.cytoscape.use(window.cytoscapeDagre); window.cytoscape.__dagre = true; }
      });
    }
    return loading;
  }

  var READABLE_ZOOM = 1;
  var STYLE = [
    { selector: "node", style: {
      "label": "data(label)", "text-wrap": "wrap", "text-max-width": 144, "font-size": 13, "color": "#1d2430",
      "text-valign": "center", "text-halign": "center", "shape": "round-rectangle", "width": 160, "height": 60,
      "background-color": "#ffffff", "border-width": 2, "border-color": "#5b6472",
      "min-zoomed-font-size": 7 } },
    { selector: 'node[kind = "question"]', style: { "background-color": "#2456a6", "color": "#ffffff", "border-color": "#2456a6", "font-weight": "bold", "width": 200 } },
    { selector: 'node[kind = "position"]', style: { "background-color": "#eef2fb", "border-color": "#2456a6", "font-weight": "bold" } },
    { selector: 'node[kind = "evidence"]', style: { "shape": "rectangle", "border-style": "double", "border-width": 4 } },
    { selector: 'node[status = "pending"]', style: { "border-style": "dashed", "opacity": 0.7 } },
    { selector: "edge", style: { "width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#9aa3b0", "target-arrow-color": "#9aa3b0" } },
    { selector: 'edge[kind = "supports"]', style: { "line-color": "#1c7c45", "target-arrow-color": "#1c7c45" } },
    { selector: 'edge[kind = "opposes"]', style: { "line-color": "#b3261e", "target-arrow-color": "#b3261e", "line-style": "dashed", "target-arrow-shape": "tee" } },
    { selector: "node:selected", style: { "border-color": "#f0a400", "border-width": 5 } },
  ];

  function draw(section) {
    var status = section.querySelector(".graph-status");
    status.textContent = section.dataset.loadingText || "…";
    var started = performance.now();
    return Promise.all([libraries(), fetch(section.dataset.source, { credentials: "same-origin" }).then(function (r) { return r.json(); })])
      .then(function (results) {
        var data = results[1];
        var many = data.nodes.length > 400;
        var fetched = performance.now();
        // Cytoscape injects an inline <style> (position: relative on its container) unless an
        // element with this id exists; the CSP forbids inline styles and app.css already sets it.
        if (!document.getElementById("__________cytoscape_stylesheet")) {
          var marker = document.createElement("meta");
          marker.id = "__________cytoscape_stylesheet";
          document.head.appendChild(marker);
        }
        cy = window.cytoscape({
          container: document.getElementById("graph-canvas"),
          elements: { nodes: data.nodes, edges: data.edges },
          style: STYLE,
          layout: data.layout === "preset" ? { name: "preset", fit: true, padding: 20 }
            : { name: "dagre", rankDir: "BT", nodeSep: 30, rankSep: 80, animate: false },
          minZoom: 0.02, maxZoom: 2.5,
          textureOnViewport: many, hideEdgesOnViewport: many, pixelRatio: many ? 1 : "auto",
        });
        cy.on("tap", "node", function (event) {
          var id = event.target.id();
          var url = section.dataset.statementUrl.replace(/\/0\/$/, "/" + id + "/");
          if (window.htmx) window.htmx.ajax("GET", url, { target: "#detail" }); else location.href = url;
        });
        // A map fitted into the box is soon too small to read: start at full size (13 px labels)
        // with the question at the top, and let the reader pan and zoom out.
        var root = cy.nodes('[kind = "question"]');
        if (cy.zoom() < READABLE_ZOOM && root.length) {
          var zoom = READABLE_ZOOM;
          cy.zoom(zoom);
          cy.pan({ x: cy.width() / 2 - root.position("x") * zoom, y: 50 - root.position("y") * zoom });
        }
        window.deliberationGraph = cy; // a hook for pages that colour the map (results, groups)
        var selected = document.querySelector("#detail .detail");
        if (selected) select(selected.dataset.statementId);
        var laidOut = performance.now();
        // Ready once the first frame is on screen, not merely when the layout is computed.
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            status.textContent = "";
            section.dataset.ready = "1";
            window.__graphReadyMs = performance.now() - started;
            window.__graphTimings = { fetchAndLoad: fetched - started, layout: laidOut - fetched, firstFrame: performance.now() - laidOut, nodes: data.nodes.length };
            document.dispatchEvent(new CustomEvent("deliberation:graph-ready", { detail: { ms: window.__graphReadyMs } }));
          });
        });
      })
      .catch(function (error) { status.textContent = String(error); });
  }

  function select(id) {
    if (!cy) return;
    cy.$(":selected").unselect();
    var node = cy.getElementById(String(id));
    if (node && node.length) { node.select(); cy.animate({ center: { eles: node } }, { duration: 200 }); }
  }

  var currentView = "outline";
  var knownOutline = null;

  function show(view) {
    currentView = view;
    var outline = document.getElementById("outline");
    var graph = document.getElementById("graph");
    document.querySelectorAll(".view-switch [data-view]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.view === view ? "true" : "false");
    });
    outline.hidden = view === "graph";
    graph.hidden = view !== "graph";
    document.querySelector(".filters").hidden = view === "graph";
    if (view === "graph") { if (!cy) draw(graph); else cy.resize(); }
    if (view === "outline" && outline.dataset.deferred && window.htmx) {
      window.htmx.ajax("GET", outline.dataset.deferred, { target: "#outline", swap: "outerHTML" });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".view-switch [data-view]");
    if (button) show(button.dataset.view);
  });
  document.addEventListener("deliberation:select", function (event) { select(event.detail.id); });
  // The outline is replaced after a change (or by a live update): in the graph view keep it
  // hidden and redraw the graph from fresh data.
  document.addEventListener("htmx:after:swap", function () {
    var outline = document.getElementById("outline");
    if (!outline || outline === knownOutline) return;
    knownOutline = outline;
    if (currentView !== "graph") return;
    outline.hidden = true;
    if (cy) { cy.destroy(); cy = null; draw(document.getElementById("graph")); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    knownOutline = document.getElementById("outline");
    if (new URLSearchParams(location.search).get("view") === "graph" || location.hash === "#graph") show("graph");
  });
})();
