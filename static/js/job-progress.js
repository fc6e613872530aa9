// Follows a background job on its page: polls the job's status and moves the progress bar;
// once the job is over the page is reloaded, to show the download link or the reason.
(function () {
  var script = document.currentScript;
  var box = document.getElementById("job");
  if (!box || !box.dataset.status || !window.fetch) return;
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  var count = document.getElementById("job-count");
  var delay = 1000;
  function poll() {
    fetch(box.dataset.status, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.finished) {
          window.location.reload();
          return;
        }
        state.textContent = job.state_label;
        if (job.percent !== null) bar.value = job.percent;
        if (job.total) {
          count.textContent = script.dataset.of
            .replace("{done}", job.done)
            .replace("{total}", job.total);
        }
        delay = Math.min(delay * 1.5, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
