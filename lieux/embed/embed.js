/* Lieux de liens: shows the lieux open now in any page.
 *   <div data-lieux-widget data-commune="Schaerbeek" data-lang="nl"></div>
 *   <script src="https://SERVICE/embed.js" async></script>
 * Options (data-*): commune, kind (several joined by commas), lang (fr, nl, en; default: the
 * visitor's browser language), limit,
 * show (open, all), layout (list, compact), theme (auto, light, dark), refresh (seconds, 60 by
 * default), at (an ISO instant, for demos).
 * Uses the page's htmx 2 if it has one, else loads the service's own copy (checked by SRI).
 * Also resizes our <iframe> variant to its content. No cookie, no other host, no global CSS
 * beyond the .ldl-widget stylesheet. The service fills in CONFIG when it serves this file. */
(function (config) {
  "use strict";
  if (window.lieuxWidget) return; // pasted twice: one loader is enough
  window.lieuxWidget = { version: 1 };

  var PARAMS = ["commune", "kind", "lang", "limit", "show", "layout", "theme", "at"];
  var LISTS = { commune: true, kind: true };
  var REFRESH_EVENT = "ldl-refresh";
  var widgets = [];

  function fragmentUrl(el) {
    var query = new URLSearchParams();
    PARAMS.forEach(function (name) {
      var value = el.getAttribute("data-" + name);
      if (!value) return;
      (LISTS[name] ? value.split(",") : [value]).forEach(function (part) {
        if (part.trim()) query.append(name, part.trim());
      });
    });
    if (!query.has("lang")) {
      // No language chosen: the visitor's, when we speak it (the fragment's default is French).
      var wanted = (navigator.languages || [navigator.language || ""]).map(function (tag) {
        return String(tag).slice(0, 2).toLowerCase();
      });
      for (var i = 0; i < wanted.length; i++) {
        if (config.languages.indexOf(wanted[i]) !== -1) { query.append("lang", wanted[i]); break; }
      }
    }
    var text = query.toString();
    return config.origin + "/widget/open-now" + (text ? "?" + text : "");
  }

  function refreshSeconds(el) {
    var seconds = parseInt(el.getAttribute("data-refresh"), 10);
    if (!(seconds > 0)) return config.refresh;
    return Math.max(seconds, config.minRefresh);
  }

  function addStylesheet() {
    if (document.querySelector("link[data-lieux-widget-css]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = config.css;
    link.setAttribute("data-lieux-widget-css", "");
    document.head.appendChild(link);
  }

  function withHtmx(callback) {
    if (window.htmx) return callback(window.htmx);
    if (!document.querySelector('meta[name="htmx-config"]')) {
      // Our copy must not add its global .htmx-indicator <style> to a page that does not use it.
      var meta = document.createElement("meta");
      meta.name = "htmx-config";
      meta.content = '{"includeIndicatorStyles":false}';
      document.head.appendChild(meta);
    }
    var script = document.createElement("script");
    script.src = config.htmx;
    script.integrity = config.htmxIntegrity;
    script.crossOrigin = "anonymous";
    script.onload = function () { callback(window.htmx); };
    document.head.appendChild(script);
  }

  /* htmx 2 refuses other origins while htmx.config.selfRequestsOnly is true, and that switch is
   * global. We turn it off only if it was on, and put back the same rule plus one exception
   * through htmx:validateUrl: the page's own origin and ours, nothing else. A page that had
   * already allowed other origins is left exactly as it was. */
  function allowOurOrigin(htmx) {
    if (htmx.config.selfRequestsOnly === false) return;
    htmx.config.selfRequestsOnly = false;
    document.addEventListener("htmx:validateUrl", function (event) {
      var detail = event.detail;
      if (!detail.sameHost && detail.url.origin !== config.origin) event.preventDefault();
    });
  }

  function isOurs(el) {
    return widgets.indexOf(el) !== -1;
  }

  function setUp(htmx, el) {
    // Every attribute is set on the element itself so that nothing the host page put on an
    // ancestor (hx-target, hx-select, hx-push-url, hx-vals, hx-confirm...) applies to it.
    el.setAttribute("hx-get", fragmentUrl(el));
    el.setAttribute("hx-trigger", "load, every " + refreshSeconds(el) + "s, " + REFRESH_EVENT);
    el.setAttribute("hx-target", "this");
    el.setAttribute("hx-swap", "innerHTML");
    el.setAttribute("hx-select", "#ldl-open-now");
    el.setAttribute("hx-params", "none");
    el.setAttribute("hx-push-url", "false");
    el.setAttribute("hx-confirm", "unset");
    widgets.push(el);
    htmx.process(el);
  }

  function start(htmx) {
    allowOurOrigin(htmx);
    document.addEventListener("htmx:configRequest", function (event) {
      if (!isOurs(event.detail.elt)) return;
      // Only htmx's own headers go to our origin: a host's hx-headers (a CSRF token...) must not
      // leak to us, and would make the browser's preflight fail anyway.
      var headers = event.detail.headers;
      Object.keys(headers).forEach(function (name) {
        if (config.headers.indexOf(name.toLowerCase()) === -1) delete headers[name];
      });
    });
    document.addEventListener("htmx:beforeRequest", function (event) {
      // A hidden tab does not poll; it catches up when it becomes visible again.
      if (isOurs(event.detail.elt) && document.visibilityState === "hidden") event.preventDefault();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") return;
      widgets.forEach(function (el) { htmx.trigger(el, REFRESH_EVENT); });
    });
    var found = document.querySelectorAll("[data-lieux-widget]");
    for (var i = 0; i < found.length; i++) if (!isOurs(found[i])) setUp(htmx, found[i]);
  }

  // The iframe variant posts its height; only frames showing our origin are resized.
  window.addEventListener("message", function (event) {
    if (event.origin !== config.origin || !event.data || event.data.type !== "lieux-widget:height") return;
    var frames = document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        var height = Math.ceil(Number(event.data.height));
        if (height > 0 && height < 10000) frames[i].style.height = height + "px";
      }
    }
  });

  function main() {
    if (!document.querySelector("[data-lieux-widget]")) return;
    addStylesheet();
    withHtmx(start);
  }

  // Wait for the parser: a page's own htmx may come in a later or deferred <script>.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})(/*CONFIG*/);
