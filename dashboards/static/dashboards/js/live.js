/* Live mode (issue 11): polls the live document (/data/live.json) every few seconds with
 * If-None-Match, so that an unchanged answer is a bodiless 304, and updates the counter,
 * the progress bar, the newest pledges and the map in place, without a reload.
 * A lost connection keeps the last data on screen with its time, says "reconnecting" and
 * retries with a growing delay. No third party, no inline script (CSP). */
(function () {
  'use strict';

  var MAX_DELAY = 60000;

  function readLabels() {
    var el = document.getElementById('live-labels');
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }

  function clockText(date) {
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(date.getHours()) + ':' + two(date.getMinutes()) + ':' + two(date.getSeconds());
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function Live(root) {
    this.root = root;
    this.url = root.getAttribute('data-live-src');
    this.interval = Number(root.getAttribute('data-live-interval')) || 3000;
    this.labels = readLabels();
    this.etag = null;
    this.failures = 0;
    this.last = null; // the last document received
    this.lastAsOf = root.getAttribute('data-live-as-of') || '';
    this.timer = null;
  }

  Live.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.poll(); }, delay);
  };

  Live.prototype.poll = function () {
    var self = this;
    var headers = {};
    if (this.etag) { headers['If-None-Match'] = this.etag; }
    // no-store: the browser neither adds nor answers the condition itself; we do.
    fetch(this.url, { headers: headers, cache: 'no-store', credentials: 'omit' })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error('live ' + response.status); }
        self.etag = response.headers.get('ETag');
        return response.json();
      })
      .then(function (doc) {
        if (doc) { self.apply(doc); }
        self.failures = 0;
        self.online();
        self.schedule(self.interval);
      })
      .catch(function () {
        self.failures += 1;
        self.offline();
        var delay = Math.min(MAX_DELAY, self.interval * Math.pow(2, self.failures));
        self.schedule(delay);
      });
  };

  Live.prototype.values = function (doc) {
    return {
      pledged: doc.pledged_members,
      target: doc.target_states,
      since: doc.pledged_since_launch === null ? '' : doc.pledged_since_launch,
      states: doc.pledged_count
    };
  };

  Live.prototype.apply = function (doc) {
    var values = this.values(doc);
    this.last = doc;
    this.lastAsOf = doc.as_of;
    document.querySelectorAll('[data-live-text]').forEach(function (el) {
      el.textContent = fill(el.getAttribute('data-live-text'), values);
    });
    document.querySelectorAll('[data-live-count]').forEach(function (el) {
      el.textContent = String(values.pledged);
    });
    document.querySelectorAll('[data-live-progress]').forEach(function (el) {
      if (values.target) {
        el.setAttribute('max', String(values.target));
        el.setAttribute('value', String(Math.min(values.pledged, values.target)));
        el.textContent = values.pledged + ' / ' + values.target;
      }
    });
    document.querySelectorAll('[data-live-asof]').forEach(function (el) {
      el.setAttribute('datetime', doc.as_of);
      el.textContent = clockText(new Date(doc.as_of));
    });
    this.newest(doc.newest || []);
    window.pledgesLiveLast = doc; // for a map drawn after this answer (map.js)
    document.dispatchEvent(new window.CustomEvent('pledges:live', { detail: doc }));
    this.root.setAttribute('data-live-etag', this.etag || '');
  };

  Live.prototype.item = function (pledge) {
    var labels = this.labels;
    var li = document.createElement('li');
    li.setAttribute('data-key', pledge.iso3 + '|' + pledge.verified);
    var link = document.createElement('a');
    link.href = labels.country_url.replace('XXX', pledge.iso3);
    // live.json names states in English; the page's own language names them (issue 14)
    link.textContent = (labels.names || {})[pledge.iso3] || pledge.name;
    li.appendChild(link);
    li.appendChild(document.createTextNode(' — '));
    var status = document.createElement('span');
    status.className = 'status status-' + pledge.status;
    status.textContent = (labels.statuses || {})[pledge.status] || pledge.status;
    li.appendChild(status);
    if (pledge.since) {
      li.appendChild(document.createTextNode(' '));
      var time = document.createElement('time');
      time.setAttribute('datetime', pledge.since);
      time.textContent = pledge.since;
      li.appendChild(time);
    }
    if (pledge.demo) {
      li.appendChild(document.createTextNode(' '));
      var tag = document.createElement('span');
      tag.className = 'tag tag-demo';
      tag.textContent = labels.demo || 'demo';
      li.appendChild(tag);
    }
    return li;
  };

  Live.prototype.newest = function (newest) {
    var self = this;
    document.querySelectorAll('[data-live-newest]').forEach(function (list) {
      var limit = Number(list.getAttribute('data-live-limit')) || newest.length;
      var wanted = newest.slice(0, limit);
      var keys = wanted.map(function (p) { return p.iso3 + '|' + p.verified; });
      var have = {};
      Array.prototype.forEach.call(list.children, function (li) {
        if (keys.indexOf(li.getAttribute('data-key')) === -1) {
          list.removeChild(li);
        } else {
          have[li.getAttribute('data-key')] = li;
        }
      });
      // Keep the items already shown (a screen reader hears only the new ones, as added).
      wanted.forEach(function (pledge, i) {
        var li = have[keys[i]] || self.item(pledge);
        var at = list.children[i] || null;
        if (li !== at) { list.insertBefore(li, at); }
      });
      var empty = list.parentNode.querySelector('[data-live-empty]');
      if (empty) { empty.hidden = wanted.length > 0; }
    });
  };

  Live.prototype.status = function () {
    return document.querySelector('[data-live-status]');
  };

  Live.prototype.online = function () {
    var el = this.status();
    if (!el) { return; }
    el.hidden = !el.hasAttribute('data-live-always');
    el.classList.remove('offline');
    var live = el.getAttribute('data-live-online') || '';
    el.textContent = fill(live, { time: clockText(new Date()) });
    document.documentElement.removeAttribute('data-live-offline');
  };

  Live.prototype.offline = function () {
    var el = this.status();
    document.documentElement.setAttribute('data-live-offline', '');
    if (!el) { return; }
    var when = this.lastAsOf ? clockText(new Date(this.lastAsOf)) : '';
    el.hidden = false;
    el.classList.add('offline');
    el.textContent = (this.labels.offline || 'Reconnecting… showing the data of %(time)s.')
      .replace('%(time)s', when);
  };

  function clocks() {
    var els = document.querySelectorAll('[data-live-clock]');
    if (!els.length) { return; }
    var tick = function () {
      var now = new Date();
      els.forEach(function (el) {
        el.textContent = clockText(now);
        el.setAttribute('datetime', now.toISOString());
      });
    };
    tick();
    window.setInterval(tick, 1000);
  }

  function init() {
    if (!window.fetch) { return; }
    clocks();
    document.querySelectorAll('[data-live-src]').forEach(function (root) {
      var live = new Live(root);
      live.schedule(live.interval);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
