// The projector: a countdown that ticks every second between the server refreshes of #live.
(function () {
  "use strict";

  function tick() {
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.dataset.endsAt) - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("ending", left <= 30);
      el.closest(".projector-timer").classList.toggle("over", left === 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:after:swap", tick);
})();
