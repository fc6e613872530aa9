// Forms marked data-confirm ask before they are sent (e.g. a lead unit replying while
// co-handlers' views are missing). Without JavaScript the warning above the form still shows.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
