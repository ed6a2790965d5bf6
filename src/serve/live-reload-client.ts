/**
 * The browser side of live reload, inserted inline into every served HTML page by
 * `LiveReload.inject()`. Plain ES2017, no framework (about 3.7 kB, unminified so a user can read it in devtools).
 *
 * - Reads its endpoint from its own `data-portier-reload` attribute.
 * - `reload` event: `location.reload()`.
 * - `css` event: re-fetches the same-origin `<link rel=stylesheet>` elements whose URL path ends
 *   with the changed path (all same-origin ones when none does, since the file may be
 *   `@import`ed) by adding `?portier-reload=<n>`; the new `<link>` goes in beside the old one,
 *   which is removed once the new one has loaded, so the page neither reloads nor flashes
 *   unstyled. If the new one fails, the old one stays.
 * - Reconnecting: every event carries an `id`; EventSource sends the last one back
 *   (`Last-Event-ID`) when it reconnects after a server restart, and the server answers with a
 *   `reload` if anything changed meanwhile. A hidden tab closes its connection (browsers allow
 *   six HTTP/1.1 connections per host, and each open page would hold one) and reconnects with
 *   `?since=<id>` when shown again.
 * - Harmless elsewhere: it does nothing on `file:` pages, without EventSource, or when already
 *   running; on a server without the endpoint the first request fails (404 or not an event
 *   stream) and EventSource gives up for good.
 */
export const LIVE_RELOAD_CLIENT = `(function () {
  var script = document.currentScript;
  if (window.__portierReload || typeof EventSource !== 'function') return;
  if (!/^https?:$/.test(location.protocol)) return;
  window.__portierReload = true;
  var endpoint = (script && script.getAttribute('data-portier-reload')) || '/__portier/reload';
  var source = null;
  var lastId = '';
  var n = 0;
  function remember(event) {
    if (event.lastEventId) lastId = event.lastEventId;
  }
  function sameOrigin(link) {
    try {
      return new URL(link.href).origin === location.origin;
    } catch (e) {
      return false;
    }
  }
  function pathOf(link) {
    var path = new URL(link.href).pathname;
    try {
      return decodeURIComponent(path);
    } catch (e) {
      return path;
    }
  }
  function refresh(link) {
    var url = new URL(link.href);
    n = Math.max(n + 1, Date.now());
    url.searchParams.set('portier-reload', String(n));
    var next = link.cloneNode(false);
    next.href = url.href;
    link.setAttribute('data-portier-stale', '');
    next.addEventListener('load', function () { link.remove(); });
    next.addEventListener('error', function () {
      next.remove();
      link.removeAttribute('data-portier-stale');
    });
    link.after(next);
  }
  function swapStylesheet(path) {
    var links = Array.prototype.filter.call(
      document.querySelectorAll('link[rel~="stylesheet" i][href]'),
      function (link) { return !link.hasAttribute('data-portier-stale') && sameOrigin(link); }
    );
    var matching = links.filter(function (link) { return pathOf(link).endsWith('/' + path); });
    (matching.length > 0 ? matching : links).forEach(refresh);
  }
  function connect() {
    var url = new URL(endpoint, location.href);
    if (lastId) url.searchParams.set('since', lastId);
    source = new EventSource(url.href);
    source.addEventListener('hello', remember);
    source.addEventListener('reload', function (event) {
      remember(event);
      location.reload();
    });
    source.addEventListener('css', function (event) {
      remember(event);
      swapStylesheet(JSON.parse(event.data).path);
    });
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') {
      if (source && source.readyState !== EventSource.CLOSED) {
        source.close();
        source = null;
      }
    } else if (!source) {
      connect();
    }
  });
  connect();
})();
`;
