/* Progress charts on the landing page: figures built in Python (dashboards/figures.py),
 * drawn with the self-hosted plotly.js bundle. Each chart has a table beside it. */
(function () {
  'use strict';

  function init() {
    var source = document.getElementById('progress-data');
    if (!window.Plotly || !source) { return; }
    var payload = JSON.parse(source.textContent);
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var figure = payload.charts[el.getAttribute('data-chart')];
      if (!figure) { return; }
      var fallback = el.querySelector('[data-chart-fallback]');
      window.Plotly.newPlot(el, figure.data, figure.layout, payload.config).then(function () {
        // Drawn: the message goes and the table folds away (it stays one click off).
        if (fallback && fallback.parentNode) { fallback.parentNode.removeChild(fallback); }
        var table = el.parentNode.querySelector('[data-chart-table]');
        if (table) { table.open = false; }
        el.setAttribute('data-chart-drawn', '');
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
