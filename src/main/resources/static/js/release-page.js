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

  function drawCharts(root) {
    if (typeof uPlot === 'undefined') { return; }
    root.querySelectorAll('.chart[data-series-url]').forEach(function (box) {
      getJson(box.getAttribute('data-series-url')).then(function (s) {
        box.innerHTML = '';
        if (s.t.length === 0) {
          box.textContent = 'No samples are kept for this run any more.';
          return;
        }
        var width = Math.min(box.clientWidth || 600, 900);
        var opts = {
          width: width, height: 220,
          series: [
            {},
            {label: 'canary errors %', stroke: '#a4161a', width: 2},
            {label: 'baseline errors %', stroke: '#0b5cad', width: 2},
            {label: 'canary latency ms', stroke: '#a4161a', dash: [6, 4], scale: 'ms'},
            {label: 'baseline latency ms', stroke: '#0b5cad', dash: [6, 4], scale: 'ms'}
          ],
          axes: [{}, {label: 'errors %'}, {side: 1, scale: 'ms', label: 'ms', grid: {show: false}}]
        };
        new uPlot(opts, [s.t, s.canaryErrorPercent, s.baselineErrorPercent, s.canaryLatencyMs, s.baselineLatencyMs], box);
        box.setAttribute('data-rendered', 'true');
      }).catch(function () { box.textContent = 'The chart is not available.'; });
    });
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
