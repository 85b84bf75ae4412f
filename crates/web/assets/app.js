// The cabinet as an installable app (CAB-2): registers the service worker, and on a dashboard
// opened from its saved copy without a connection, says so and since when.
(function () {
  'use strict';
  if ('serviceWorker' in navigator && document.body.classList.contains('face-cabinet')) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {});
  }
  // "Add to home screen": the browser's own prompt where it offers one, else the hint beside.
  var install = document.getElementById('install-button');
  if (install) {
    window.addEventListener('beforeinstallprompt', function (event) {
      event.preventDefault();
      install.hidden = false;
      install.addEventListener('click', function () {
        install.hidden = true;
        event.prompt();
      }, { once: true });
    });
  }
  var saved = document.documentElement.getAttribute('data-offline-saved');
  var banner = document.getElementById('offline-banner');
  if (saved !== null && banner) {
    var at = new Date(saved);
    var when = isNaN(at.getTime()) ? '' : at.toLocaleString(document.documentElement.lang || undefined);
    var time = banner.querySelector('.offline-saved-at');
    if (time) {
      time.textContent = when;
    }
    banner.hidden = false;
    // Forms need the server: a saved copy offers nothing to send.
    document.querySelectorAll('form').forEach(function (f) {
      f.querySelectorAll('button, input[type=submit]').forEach(function (b) {
        b.disabled = true;
      });
    });
  }
})();
