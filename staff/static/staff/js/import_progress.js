// The import page's progress (issue 13): poll the job's JSON every second, move the
// <progress> bar and its text, and reload the page when the job is done. Without
// JavaScript the page refreshes itself (<noscript> meta refresh) and has a reload link.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section) return;
  var url = section.getAttribute("data-progress-url");
  var bar = section.querySelector("progress");
  var text = section.querySelector(".job-progress-text");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (job) {
        if (job.finished) {
          window.location.reload();
          return;
        }
        if (job.rows_total) {
          bar.max = job.rows_total;
          bar.value = job.rows_done;
        }
        text.textContent = job.text;
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
