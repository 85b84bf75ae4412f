// Kabinet's service worker (CAB-2). It keeps the app's shell (styles, scripts, icons, the
// offline page) and the last cabinet dashboard the person saw, so that the installed app opens
// without a connection on that dashboard, marked with the time it was saved. Nothing else is
// kept; signing out forgets the dashboard.
const SHELL = 'kabinet-shell-v1';
const PAGES = 'kabinet-pages-v1';
const SHELL_FILES = [
  '/assets/app.css',
  '/assets/app.js',
  '/assets/icon.svg',
  '/assets/icon-192.png',
  '/assets/offline.html',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== PAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The dashboard as it was saved, marked so that the page says it is a copy and since when.
async function savedDashboard() {
  const cache = await caches.open(PAGES);
  const hit = await cache.match('/');
  if (!hit) {
    return (await caches.match('/assets/offline.html')) || Response.error();
  }
  const saved = hit.headers.get('x-saved-at') || '';
  const html = (await hit.text()).replace('<html ', `<html data-offline-saved="${saved}" `);
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}

async function dashboard(request) {
  try {
    const response = await fetch(request);
    const html = (response.headers.get('content-type') || '').includes('text/html');
    // Only the signed-in dashboard itself: not a redirect to the login page, not an error,
    // and not a staff member's visit to a customer's cabinet.
    if (response.ok && html && !response.redirected) {
      const text = await response.clone().text();
      if (text.includes('id="acting-banner"')) {
        return response;
      }
      const cache = await caches.open(PAGES);
      await cache.put(
        '/',
        new Response(text, {
          headers: { 'content-type': 'text/html; charset=utf-8', 'x-saved-at': new Date().toISOString() },
        }),
      );
    }
    return response;
  } catch (_offline) {
    return savedDashboard();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === 'POST' && (url.pathname.endsWith('/logout') || url.pathname === '/leave-cabinet')) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== 'GET') {
    return;
  }
  if (request.mode === 'navigate' && url.pathname === '/') {
    event.respondWith(dashboard(request));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => savedDashboard()));
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
