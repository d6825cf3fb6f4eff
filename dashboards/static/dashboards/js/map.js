/* The public map: draws the figures built in Python (dashboards/figures.py) with the
 * self-hosted geo-only plotly.js bundle. Layers, region and the time slider change the
 * map in place; without JavaScript the page keeps working through the table.
 * No request leaves this site: the UN topojson is our own hashed static file. */
(function () {
  'use strict';

  var ARRAY_KEYS = ['locations', 'z', 'text', 'customdata', 'lat', 'lon'];

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&#34;').replace(/'/g, '&#x27;'); // plotly.js shows &quot; as typed
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  var topojsonPromise = null;
  function loadTopojson(url) {
    // Hand plotly.js the hashed, long-cached file ourselves, so that it never fetches
    // "<topojsonURL>world_110m.json" (an unhashed name) on its own.
    if (!topojsonPromise) {
      topojsonPromise = fetch(url, { credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok) { throw new Error('topojson ' + r.status); }
          return r.json();
        })
        .then(function (topology) {
          window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
          window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};
          window.PlotlyGeoAssets.topojson.world_110m = topology;
        });
    }
    return topojsonPromise;
  }

  function statusOn(events, day) {
    var status = 'no_information', since = null;
    for (var i = 0; i < events.length; i++) {
      if (events[i][0] <= day) { status = events[i][1]; since = events[i][0]; }
    }
    return [status, since];
  }

  function MapView(figure) {
    this.figure = figure;
    this.plot = figure.querySelector('.map-plot');
    this.payload = JSON.parse(document.getElementById(figure.dataset.payload).textContent);
    this.layer = figure.dataset.layer || 'pledge';
    if (!this.payload.layers[this.layer]) { this.layer = 'pledge'; }
    this.region = figure.dataset.region || '';
    this.day = null; // null: today
    this.live = null; // {iso3: status} from the live document (live.js), when it runs
    this.embed = figure.hasAttribute('data-embed');
    this.wall = figure.hasAttribute('data-wall'); // the event wall: as tall as its box
    this.byIso3 = {};
    for (var i = 0; i < this.payload.states.length; i++) {
      this.byIso3[this.payload.states[i].iso3] = this.payload.states[i];
    }
  }

  MapView.prototype.pointIso3 = function (trace, index) {
    return trace.customdata[index];
  };

  MapView.prototype.traces = function () {
    var self = this;
    var traces = clone(this.payload.layers[this.layer]);
    var categories = this.payload.pledge_categories;
    return traces.map(function (trace, t) {
      var keep = [];
      for (var i = 0; i < trace.customdata.length; i++) {
        var state = self.byIso3[trace.customdata[i]];
        if (!self.region || state.region === self.region) { keep.push(i); }
      }
      if (self.layer === 'pledge' && (self.day || self.live)) {
        for (var j = 0; j < trace.customdata.length; j++) {
          var s = self.byIso3[trace.customdata[j]];
          var at = self.day ? statusOn(s.events, self.day)
            : [self.live[s.iso3] || 'no_information', null];
          var cat = categories[at[0]];
          var lines = [escapeHtml(s.name), escapeHtml(cat[2])];
          if (at[1]) { lines.push(escapeHtml(self.payload.since.replace('{date}', at[1]))); }
          trace.text[j] = lines.join('<br>');
          if (t === 0) { trace.z[j] = cat[0] + 0.5; } else { trace.marker.color[j] = cat[1]; }
        }
      }
      ARRAY_KEYS.forEach(function (key) {
        if (Array.isArray(trace[key])) {
          trace[key] = keep.map(function (i) { return trace[key][i]; });
        }
      });
      if (trace.marker && Array.isArray(trace.marker.color)) {
        trace.marker.color = keep.map(function (i) { return trace.marker.color[i]; });
      }
      return trace;
    });
  };

  MapView.prototype.layout = function () {
    var layout = clone(this.payload.layout);
    var view = this.payload.regions[this.region] || this.payload.regions[''];
    var width = this.plot.clientWidth || 800;
    layout.height = this.wall
      ? Math.round(Math.max(220, this.plot.clientHeight || width * 0.56))
      : Math.round(Math.max(220, Math.min(this.embed ? 420 : 480, width * 0.56)));
    layout.geo.center = view.center;
    layout.geo.projection.scale = view.scale;
    layout.geo.projection.rotation = { lon: view.rotation || 0 };
    layout.geo.fitbounds = false;
    return layout;
  };

  MapView.prototype.draw = function () {
    var self = this;
    // A keyboard-driven layer or region change leaves plotly's last hover label up
    // ("Brazil / 1 partner" over Australia): take it down before redrawing (issue 12).
    if (window.Plotly.Fx && this.plot.classList.contains('js-plotly-plot')) {
      window.Plotly.Fx.unhover(this.plot);
    }
    return window.Plotly.react(this.plot, this.traces(), this.layout(), this.payload.config)
      .then(function () {
        // plotly drew in the same box: the server's SVG map under it can go now.
        var drawnOnServer = self.plot.querySelector('[data-map-static]');
        if (drawnOnServer) { drawnOnServer.parentNode.removeChild(drawnOnServer); }
        self.plot.setAttribute('data-drawn', self.layer + '|' + self.region + '|' + (self.day || ''));
      });
  };

  MapView.prototype.showLegend = function () {
    var self = this;
    this.figure.querySelectorAll('[data-legend]').forEach(function (el) {
      el.hidden = el.getAttribute('data-legend') !== self.layer;
    });
  };

  MapView.prototype.bindClicks = function () {
    var self = this;
    this.plot.on('plotly_click', function (event) {
      var point = event && event.points && event.points[0];
      if (!point || !point.customdata) { return; }
      var url = self.payload.country_url.replace('XXX', point.customdata);
      if (self.embed) {
        window.open(url, '_blank', 'noopener');
      } else {
        window.location.assign(url);
      }
    });
  };

  MapView.prototype.bindControls = function (form) {
    var self = this;
    if (!form) { return; }
    var layer = form.querySelector('[data-map-control="layer"]');
    var region = form.querySelector('[data-map-control="region"]');
    var slider = form.querySelector('[data-map-control="time"]');
    var output = form.querySelector('output[for="' + (slider ? slider.id : '') + '"]');
    var dateInput = form.querySelector('[data-time-date]');
    var tableRows = document.querySelectorAll('#states-table tbody tr[data-region]');
    var today = output ? output.textContent : '';

    function remember() {
      var params = new URLSearchParams(window.location.search);
      [['layer', self.layer === 'pledge' ? '' : self.layer], ['region', self.region],
        ['at', self.day || '']].forEach(function (pair) {
        if (pair[1]) { params.set(pair[0], pair[1]); } else { params.delete(pair[0]); }
      });
      var query = params.toString();
      window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : ''));
      // The link, the SVG download and the citation follow the view shown.
      var permalink = document.querySelector('[data-permalink]');
      if (permalink) {
        var old = permalink.value;
        permalink.value = permalink.getAttribute('data-site-url') + window.location.pathname +
          (query ? '?' + query : '');
        var citation = document.querySelector('[data-citation]');
        if (citation) { citation.value = citation.value.replace(old, permalink.value); }
      }
      document.querySelectorAll('[data-map-svg-link], [data-map-png-link]').forEach(function (link) {
        link.setAttribute('href', link.getAttribute('href').split('?')[0] + (query ? '?' + query : ''));
      });
      // The table's sort headings and downloads keep their own sort, and take the view's
      // layer, region and date: a sort clicked after the slider moved keeps the date.
      document.querySelectorAll('[data-view-link]').forEach(function (link) {
        var href = link.getAttribute('href');
        var hash = href.indexOf('#') >= 0 ? href.slice(href.indexOf('#')) : '';
        var rest = hash ? href.slice(0, href.indexOf('#')) : href;
        var path = rest.split('?')[0];
        var own = new URLSearchParams(rest.indexOf('?') >= 0 ? rest.slice(rest.indexOf('?') + 1) : '');
        ['layer', 'region', 'at'].forEach(function (name) {
          if (params.get(name)) { own.set(name, params.get(name)); } else { own.delete(name); }
        });
        var ownQuery = own.toString();
        link.setAttribute('href', path + (ownQuery ? '?' + ownQuery : '') + hash);
      });
    }

    // "N states shown" and the caption follow the rows the region leaves visible.
    function tableCounts(regionLabel) {
      var shown = 0;
      tableRows.forEach(function (row) { if (!row.hidden) { shown += 1; } });
      var count = document.querySelector('[data-table-count]');
      if (count) {
        count.textContent = count.getAttribute(shown === 1 ? 'data-count-one' : 'data-count-other')
          .replace('{n}', String(shown));
      }
      var caption = document.querySelector('[data-table-caption]');
      if (caption) {
        var key = regionLabel ? 'data-caption-region' : (shown === tableRows.length && shown === 195 ? 'data-caption-all' : 'data-caption-some');
        caption.textContent = caption.getAttribute(key).replace('{n}', String(shown)).replace('{region}', regionLabel);
      }
    }

    // The slider moves everything: the headline and the table's rows, from the same events
    // the map reads, not only the map (issue 12).
    var summary = document.getElementById('map-summary');
    var statusFilter = form.querySelector('#f-status');
    var onText = document.querySelector('[data-table-on]');
    var categories = self.payload.pledge_categories;
    var beyond = {};
    (self.payload.pledged_or_beyond || []).forEach(function (s) { beyond[s] = true; });

    // The server sorts the rows (public.state_rows); a column the slider changes (status,
    // since) is re-sorted here by the same keys, the name's collation rank (from the server)
    // breaking ties, and the whole order reversed when descending, as Python's reverse=True.
    var tbody = tableRows.length ? tableRows[0].parentNode : null;
    var sortHead = document.querySelector(
      '#states-table thead th[aria-sort="ascending"], #states-table thead th[aria-sort="descending"]');
    var sortKey = sortHead ? sortHead.getAttribute('data-sort-key') : '';
    var sortSign = sortHead && sortHead.getAttribute('aria-sort') === 'descending' ? -1 : 1;
    var statusRank = {};
    (self.payload.status_order || []).forEach(function (s, i) { statusRank[s] = i; });
    var rowKeys = {};

    function compare(a, b) {
      for (var i = 0; i < a.length; i++) {
        if (a[i] < b[i]) { return -1; }
        if (a[i] > b[i]) { return 1; }
      }
      return 0;
    }

    function reorder() {
      if (!tbody || (sortKey !== 'status' && sortKey !== 'since')) { return; }
      var keyOf = function (row) {
        // A row the payload does not know (none today) goes last, as an unknown status does.
        return rowKeys[row.getAttribute('data-iso3')] ||
          [sortKey === 'status' ? 99 : '0000', Number(row.getAttribute('data-name-rank'))];
      };
      var rows = Array.prototype.slice.call(tableRows);
      rows.sort(function (a, b) { return sortSign * compare(keyOf(a), keyOf(b)); });
      var current = tbody.querySelectorAll('tr[data-region]');
      var same = rows.every(function (row, i) { return current[i] === row; });
      if (!same) { rows.forEach(function (row) { tbody.appendChild(row); }); }
    }

    function showDay() {
      var day = self.day;
      if (summary && summary.getAttribute('data-summary')) {
        var pledged = 0;
        self.payload.states.forEach(function (s) {
          var status = statusOn(s.events, day || '9999-12-31')[0];
          if (s.member && beyond[status]) { pledged += 1; }
        });
        var text = summary.getAttribute('data-summary').replace('{pledged}', String(pledged))
          .replace('{members}', summary.getAttribute('data-members'))
          .replace('{target}', summary.getAttribute('data-target'));
        if (day) { text += ' ' + summary.getAttribute('data-summary-past').replace('{date}', day); }
        summary.textContent = text;
      }
      if (onText) {
        onText.textContent = day ? ' — ' + onText.getAttribute('data-table-on-text').replace('{date}', day) : '';
      }
      var wanted = statusFilter ? statusFilter.getAttribute('data-applied') || '' : '';
      tableRows.forEach(function (row) {
        var state = self.byIso3[row.getAttribute('data-iso3')];
        var cell = row.querySelector('[data-cell-status]');
        if (!state || !cell) { return; }
        // Today is the newest verified event, as the server's table shows it.
        var at = statusOn(state.events, day || '9999-12-31');
        cell.className = 'status status-' + at[0];
        cell.textContent = categories[at[0]] ? categories[at[0]][2] : at[0];
        var since = row.querySelector('[data-cell-since]');
        if (since) {
          since.textContent = '';
          if (at[1]) {
            var time = document.createElement('time');
            time.setAttribute('datetime', at[1]);
            time.textContent = at[1];
            since.appendChild(time);
          }
        }
        row.hidden = (!!self.region && row.getAttribute('data-region') !== self.region) ||
          (!!wanted && at[0] !== wanted);
        var rank = Number(row.getAttribute('data-name-rank'));
        rowKeys[row.getAttribute('data-iso3')] = sortKey === 'status'
          ? [statusRank.hasOwnProperty(at[0]) ? statusRank[at[0]] : 99, rank]
          : [at[1] || '0000', rank];
      });
      reorder();
      var label = region && region.options[region.selectedIndex] && self.region ? region.options[region.selectedIndex].text : '';
      tableCounts(label);
    }

    function timeVisible() {
      var field = form.querySelector('[data-time-field]');
      if (field) { field.hidden = self.layer !== 'pledge'; }
    }

    if (layer) {
      layer.addEventListener('change', function () {
        self.layer = layer.value;
        self.showLegend();
        timeVisible();
        self.draw();
        remember();
      });
    }
    if (region) {
      region.addEventListener('change', function () {
        self.region = region.value;
        showDay();
        self.draw();
        remember();
      });
    }
    if (slider) {
      var steps = slider.getAttribute('data-steps').split(',');
      slider.hidden = false;
      if (output) { output.hidden = false; }
      if (dateInput) {
        dateInput.hidden = true;
        if (dateInput.value) {
          var index = steps.length - 1;
          for (var i = 0; i < steps.length; i++) {
            if (steps[i] >= dateInput.value) { index = i; break; }
          }
          slider.value = String(index);
          self.day = dateInput.value;
        }
      }
      var label = function () {
        var last = Number(slider.value) === steps.length - 1;
        var text = last && !self.day ? today : steps[Number(slider.value)];
        if (output) { output.textContent = text; }
        slider.setAttribute('aria-valuetext', text);
      };
      label();
      var ends = form.querySelector('[data-time-ends]');
      if (ends) { ends.hidden = false; }
      var moved = function () {
        var i = Number(slider.value);
        self.day = i === steps.length - 1 ? null : steps[i];
        if (dateInput) { dateInput.value = self.day || ''; }
        label();
        showDay();
        self.draw();
        remember();
      };
      slider.addEventListener('input', moved);
      // Play: one month a second from the start (or from where the slider is), then stop.
      var play = form.querySelector('[data-time-play]');
      if (play && steps.length > 1) {
        var timer = null;
        var stop = function () {
          window.clearInterval(timer);
          timer = null;
          play.setAttribute('aria-pressed', 'false');
          play.textContent = play.getAttribute('data-label-play');
        };
        play.hidden = false;
        play.addEventListener('click', function () {
          if (timer) { stop(); return; }
          if (Number(slider.value) >= steps.length - 1) { slider.value = '0'; moved(); }
          play.setAttribute('aria-pressed', 'true');
          play.textContent = play.getAttribute('data-label-pause');
          timer = window.setInterval(function () {
            var next = Number(slider.value) + 1;
            if (next > steps.length - 1) { stop(); return; }
            slider.value = String(next);
            moved();
            if (next === steps.length - 1) { stop(); }
          }, 1000);
        });
        slider.addEventListener('keydown', stop);
      }
    }
    timeVisible();
  };

  function start(figure) {
    var view = new MapView(figure);
    var error = figure.querySelector('.map-error');
    var form = document.getElementById('map-controls');
    loadTopojson(view.payload.topojson)
      .then(function () {
        var fallback = figure.querySelector('[data-map-fallback]');
        if (fallback) { fallback.parentNode.removeChild(fallback); }
        view.bindControls(form);
        return view.draw();
      })
      .then(function () {
        view.bindClicks();
        // Live mode (live.js): recolour the pledge layer from the live document's statuses.
        var onLive = function (event) {
          var statuses = event.detail && event.detail.statuses;
          if (!statuses) { return; }
          var key = JSON.stringify(statuses);
          if (key === view.liveKey) { return; }
          view.live = statuses;
          view.liveKey = key;
          view.draw().then(function () {
            view.plot.setAttribute('data-live-as-of', event.detail.as_of || '');
          });
        };
        document.addEventListener('pledges:live', onLive);
        if (window.pledgesLiveLast) { onLive({ detail: window.pledgesLiveLast }); }
        // Redraw at the new width when the container changes size (rotation, a scrollbar
        // appearing, a resized window): the figure is laid out for the width it had.
        var resize = null;
        var width = view.plot.clientWidth;
        var redraw = function () {
          if (view.plot.clientWidth === width) { return; }
          width = view.plot.clientWidth;
          window.clearTimeout(resize);
          resize = window.setTimeout(function () { view.draw(); }, 150);
        };
        if (window.ResizeObserver) {
          new window.ResizeObserver(redraw).observe(view.plot);
        } else {
          window.addEventListener('resize', redraw);
        }
      })
      .catch(function (err) {
        // The server's SVG map, when there is one, stays: it is still the map.
        if (error && !figure.querySelector('[data-map-static]')) { error.hidden = false; }
        if (window.console) { window.console.error(err); }
      });
  }

  // After Apply (a GET to #states-heading) focus stays where it was: on the control the
  // visitor applied from (the Apply button, or the field where Enter was pressed), not the
  // top of the page; the results' count is announced by its role="status".
  var FOCUS_KEY = 'pledges:map-focus';
  function rememberFocus() {
    var form = document.getElementById('map-controls');
    if (!form || !window.sessionStorage) { return; }
    form.addEventListener('submit', function (event) {
      // Enter in a field submits through the Apply button: the field is where focus was.
      var active = document.activeElement;
      var target = (active && active.id && form.contains(active)) ? active : event.submitter;
      try {
        window.sessionStorage.setItem(FOCUS_KEY, target && target.id ? target.id : '');
      } catch (e) { /* private mode: focus then goes to the results */ }
    });
  }
  function focusResults() {
    if (window.location.hash !== '#states-heading') { return; }
    var id = '';
    try {
      id = window.sessionStorage.getItem(FOCUS_KEY) || '';
      window.sessionStorage.removeItem(FOCUS_KEY);
    } catch (e) { id = ''; }
    var target = (id && document.getElementById(id)) || document.getElementById('states-heading');
    if (!target) { return; }
    // Chromium focuses the fragment's target (the heading, tabindex=-1) when it scrolls to
    // it after the load: focus ours after that.
    var focus = function () { window.setTimeout(function () { target.focus(); }, 0); };
    if (document.readyState === 'complete') { focus(); } else { window.addEventListener('load', focus); }
  }

  function init() {
    focusResults();
    rememberFocus();
    if (!window.Plotly || !window.fetch) { return; }
    document.querySelectorAll('[data-map]').forEach(start);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
