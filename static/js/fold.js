// On a phone, long queues start folded (details[data-fold-on-phone]): the page opens on their
// titles and counts, and a tap opens one. On a wider screen they stay as the server sent them.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 640px)").matches) return;
  function fold() {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) {
      d.open = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fold);
  else fold();
})();
