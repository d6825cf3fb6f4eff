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
        bindDownloads(el, payload.config);
      });
    });
  }

  // PNG and SVG of a drawn chart (issue 12): the figure as drawn, at a print-friendly size,
  // with its heading as the title and the source and date under it, so that the image says
  // what it is once it has left the page. The labels are the template's (translated).
  var WIDTH = 1000;
  var TITLE_SPACE = 60;
  var SOURCE_SPACE = 50;

  function imageFigure(el, config) {
    var layout = JSON.parse(JSON.stringify(el.layout || {}));
    var rtl = document.documentElement.getAttribute('dir') === 'rtl';
    var heading = document.getElementById(el.getAttribute('aria-labelledby'));
    var section = el.closest('[data-chart-source]');
    var margin = layout.margin || {};
    var bottom = margin.b || 0;
    layout.margin = { l: margin.l, r: margin.r, t: (margin.t || 0) + TITLE_SPACE, b: bottom + SOURCE_SPACE };
    layout.height = (layout.height || 300) + TITLE_SPACE + SOURCE_SPACE;
    layout.width = WIDTH;
    layout.title = {
      text: heading ? heading.textContent.trim() : '',
      x: rtl ? 0.98 : 0.02, xanchor: rtl ? 'right' : 'left', y: 0.97, yanchor: 'top',
      font: { size: 18 }
    };
    layout.annotations = (layout.annotations || []).concat([{
      text: section ? section.getAttribute('data-chart-source') : '',
      xref: 'paper', yref: 'paper', x: rtl ? 1 : 0, y: 0, xanchor: rtl ? 'right' : 'left',
      // At the image's foot, below an axis title that may overflow the chart's own margin.
      yanchor: 'bottom', yshift: -(bottom + SOURCE_SPACE - 6), showarrow: false,
      font: { size: 11, color: '#4a4f57' }
    }]);
    return { data: JSON.parse(JSON.stringify(el.data || [])), layout: layout, config: config || {} };
  }

  function bindDownloads(el, config) {
    var box = el.parentNode.querySelector('[data-chart-downloads]');
    if (!box || typeof window.Plotly.downloadImage !== 'function') { return; }
    box.querySelectorAll('[data-chart-download]').forEach(function (button) {
      button.addEventListener('click', function () {
        var figure = imageFigure(el, config);
        window.Plotly.downloadImage(figure, {
          format: button.getAttribute('data-chart-download'),
          filename: box.getAttribute('data-chart-file'),
          width: figure.layout.width,
          height: figure.layout.height
        });
      });
    });
    box.hidden = false;
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
