// Release page: the lifecycle diagram with completed/active activities marked, and one chart of
// canary vs baseline per analysis run. Both refresh when the live part of the page changes.
(function () {
  'use strict';

  var diagramBox = document.getElementById('diagram');
  var viewer = null;
  var marked = [];

  function getJson(url) {
    return fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
  }

  function showDiagram() {
    if (!diagramBox || typeof BpmnJS === 'undefined') { return; }
    getJson(diagramBox.getAttribute('data-diagram-url')).then(function (d) {
      var first = viewer === null;
      if (first) { viewer = new BpmnJS({container: diagramBox}); }
      var load = first ? viewer.importXML(d.xml) : Promise.resolve();
      return load.then(function () {
        var canvas = viewer.get('canvas');
        var registry = viewer.get('elementRegistry');
        marked.forEach(function (m) { canvas.removeMarker(m[0], m[1]); });
        marked = [];
        function mark(ids, css) {
          ids.forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, css); marked.push([id, css]); }
          });
        }
        mark(d.completed, 'rg-completed');
        mark(d.active, 'rg-active');
        if (first) { canvas.zoom('fit-viewport'); }
        diagramBox.setAttribute('data-rendered', 'true');
      });
    }).catch(function () {
      diagramBox.textContent = 'The process diagram is not available.';
    });
  }

  // ---- canary vs baseline: one chart per metric per run, each with a summary and a table of its values

  var CHART_HEIGHT = 200;
  var TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  var clock = new Intl.DateTimeFormat(undefined, {hour: '2-digit', minute: '2-digit', second: '2-digit'});

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  // error ratios are shown in % of requests; other units as they are
  function unitOf(m) {
    if (m.unit === 'ratio') { return {label: '% of requests failed', suffix: ' %', scale: 100}; }
    if (m.unit === 'ms') { return {label: 'ms', suffix: ' ms', scale: 1}; }
    return {label: 'value', suffix: '', scale: 1};
  }

  function number(v, unit) {
    if (v === null || v === undefined) { return 'no samples'; }
    var x = v * unit.scale;
    return (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)) + unit.suffix;
  }

  function overall(means, counts) {
    var sum = 0, n = 0;
    means.forEach(function (v, i) { if (v !== null) { sum += v * counts[i]; n += counts[i]; } });
    return n === 0 ? null : sum / n;
  }

  function summary(m, unit) {
    var text = 'Canary ' + number(overall(m.canary, m.canarySamples), unit) + ' over ' + m.canaryTotal
      + ' samples, baseline ' + number(overall(m.baseline, m.baselineSamples), unit) + ' over ' + m.baselineTotal
      + ' samples (mean of the run).';
    var peak = -1;
    m.canary.forEach(function (v, i) { if (v !== null && (peak < 0 || v > m.canary[peak])) { peak = i; } });
    if (peak >= 0 && m.canary[peak] > 0) {
      text += ' Canary highest: ' + number(m.canary[peak], unit) + ' at ' + clock.format(new Date(m.t[peak]))
        + ', when baseline was ' + number(m.baseline[peak], unit) + '.';
    }
    return text;
  }

  function table(m, unit, bucket) {
    var details = el('details');
    details.appendChild(el('summary', {}, 'Values per ' + bucket + ' (table)'));
    var wrap = el('div', {'class': 'table-wrap'});
    var t = el('table');
    t.appendChild(el('caption', {}, m.metric + ': canary and baseline per ' + bucket));
    var head = el('tr');
    ['Time', 'Canary', 'Canary samples', 'Baseline', 'Baseline samples'].forEach(function (h) {
      head.appendChild(el('th', {scope: 'col'}, h));
    });
    t.appendChild(el('thead')).appendChild(head);
    var body = t.appendChild(el('tbody'));
    m.t.forEach(function (at, i) {
      var row = el('tr');
      row.appendChild(el('td', {}, clock.format(new Date(at))));
      row.appendChild(el('td', {}, number(m.canary[i], unit)));
      row.appendChild(el('td', {}, String(m.canarySamples[i])));
      row.appendChild(el('td', {}, number(m.baseline[i], unit)));
      row.appendChild(el('td', {}, String(m.baselineSamples[i])));
      body.appendChild(row);
    });
    wrap.appendChild(t);
    details.appendChild(wrap);
    return details;
  }

  function scaled(values, unit) {
    return values.map(function (v) { return v === null ? null : v * unit.scale; });
  }

  function chartWidth(box) {
    return Math.max(260, Math.min(box.clientWidth || 600, 900));
  }

  function metricFigure(m, step) {
    var unit = unitOf(m);
    var bucket = m.bucketMillis % 60000 === 0 ? (m.bucketMillis / 60000) + ' min' : (m.bucketMillis / 1000) + ' s';
    var figure = el('figure', {'class': 'metric-chart'});
    var caption = el('figcaption');
    caption.appendChild(el('strong', {}, m.metric));
    caption.appendChild(document.createTextNode(' during step ' + step + ': ' + unit.label + ', mean per ' + bucket
      + ' — query ' + m.query + ' on ' + m.source));
    figure.appendChild(caption);
    if (m.canaryTotal + m.baselineTotal === 0) {
      figure.appendChild(el('p', {}, 'No canary or baseline samples were judged for this metric in this run.'));
      if (m.note) { figure.appendChild(el('p', {'class': 'hint'}, m.note)); }
      return {figure: figure};
    }
    // the canvas is not readable by screen readers: the summary and the table carry the same facts
    var box = el('div', {'class': 'chart', 'aria-hidden': 'true'});
    figure.appendChild(box);
    figure.appendChild(el('p', {'class': 'chart-summary'}, summary(m, unit)));
    if (m.note) { figure.appendChild(el('p', {'class': 'hint'}, m.note)); }
    figure.appendChild(table(m, unit, bucket));
    return {figure: figure, box: box, draw: function () {
      var opts = {
        width: chartWidth(box), height: CHART_HEIGHT,
        series: [
          {},
          {label: 'canary', stroke: '#a4161a', width: 2, points: {show: true, size: 5}},
          {label: 'baseline', stroke: '#0b5cad', width: 2, dash: [6, 4], points: {show: true, size: 5}}
        ],
        // ticks no closer than one bucket: there is nothing between two buckets to point at
        axes: [{incrs: TIME_STEPS.filter(function (i) { return i >= m.bucketMillis / 1000; })},
          {label: unit.label, size: 60}]
      };
      var plot = new uPlot(opts, [m.t.map(function (x) { return x / 1000; }), scaled(m.canary, unit),
        scaled(m.baseline, unit)], box);
      followWidth(plot, box);
      box.setAttribute('data-rendered', 'true');
    }};
  }

  function drawCharts(root) {
    if (typeof uPlot === 'undefined') { return; }
    root.querySelectorAll('.charts[data-series-url]').forEach(function (holder) {
      var step = holder.getAttribute('data-step');
      fetch(holder.getAttribute('data-series-url'), {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            if (!r.ok) { return Promise.reject(body.detail || 'The chart is not available.'); }
            return body;
          });
        })
        .then(function (s) {
          holder.innerHTML = '';
          s.metrics.forEach(function (m) {
            var made = metricFigure(m, step);
            holder.appendChild(made.figure);
            if (made.draw) { made.draw(); }
          });
        })
        .catch(function (why) {
          holder.innerHTML = '';
          holder.appendChild(el('p', {'class': 'hint'}, typeof why === 'string' ? why : 'The chart is not available.'));
        });
    });
  }

  // the portal is read on phones too: a chart follows the width of its box (a turned phone, a resized window)
  function followWidth(plot, box) {
    if (typeof ResizeObserver === 'undefined') { return; }
    var width = chartWidth(box);
    new ResizeObserver(function () {
      var now = chartWidth(box);
      if (now !== width) { width = now; plot.setSize({width: now, height: CHART_HEIGHT}); }
    }).observe(box);
  }

  document.addEventListener('DOMContentLoaded', function () {
    showDiagram();
    drawCharts(document);
  });
  document.addEventListener('rollguard:updated', function (e) {
    showDiagram();
    drawCharts(e.target);
  });
})();
