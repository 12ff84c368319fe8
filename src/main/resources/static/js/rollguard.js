// Rollguard portal: times in the reader's zone, live release pages. No framework, no CDN.
(function () {
  'use strict';

  var fmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    timeZoneName: 'short'
  });

  function localizeTimes(root) {
    root.querySelectorAll('time.local[datetime]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) {
        t.textContent = fmt.format(d);
      }
    });
  }

  // A release page names a status URL and a fragment URL; when the status changes the live part is
  // fetched again and swapped in, keeping keyboard focus where it was if that element still exists.
  function followRelease(live) {
    var statusUrl = live.getAttribute('data-status-url');
    var fragmentUrl = live.getAttribute('data-fragment-url');
    var last = live.getAttribute('data-version');
    function poll() {
      fetch(statusUrl, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s || s.version === last) { return null; }
          last = s.version;
          return fetch(fragmentUrl, {credentials: 'same-origin'}).then(function (r) { return r.text(); });
        })
        .then(function (html) {
          if (html) {
            var focusedId = document.activeElement && document.activeElement.id;
            live.innerHTML = html;
            localizeTimes(live);
            live.dispatchEvent(new CustomEvent('rollguard:updated', {bubbles: true}));
            if (focusedId && document.getElementById(focusedId)) { document.getElementById(focusedId).focus(); }
          }
        })
        .catch(function () { /* the next poll tries again */ })
        .finally(function () { setTimeout(poll, 2000); });
    }
    setTimeout(poll, 2000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    localizeTimes(document);
    document.querySelectorAll('[data-status-url]').forEach(followRelease);
  });
})();
