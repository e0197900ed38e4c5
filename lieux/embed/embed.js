/* Lieux de liens: the lieux open now, or the coming activities, in any page.
 *   <div data-lieux-widget data-commune="Schaerbeek"></div>  (or <lieux-open-now commune=…>)
 *   <div data-lieux-widget="agenda" data-lieu="babel-zin"></div>  (or <lieux-agenda lieu=…>)
 *   <script src="https://SERVICE/embed.js" async></script>
 * Options are in the README (embed section). Widgets added later are shown too. Uses the page's
 * htmx 2 if any, else the service's copy (SRI). Resizes our <iframe> variant. No cookie, no
 * other host. The service fills in CONFIG. */
(function (config) {
  "use strict";
  if (window.lieuxWidget) return; // pasted twice: one loader is enough
  window.lieuxWidget = { version: 1 };

  var KINDS = {
    "open-now": {
      path: "/widget/open-now",
      select: "#ldl-open-now",
      params: ["commune", "kind", "lang", "limit", "show", "layout", "theme", "at"],
      refresh: config.refresh
    },
    agenda: {
      path: "/widget/agenda",
      select: "#ldl-agenda",
      params: ["lieu", "commune", "kind", "days", "limit", "lang", "layout", "theme", "at"],
      refresh: config.agendaRefresh
    }
  };
  var ELEMENTS = { "lieux-open-now": "open-now", "lieux-agenda": "agenda" };
  var LISTS = { lieu: true, commune: true, kind: true };
  var REFRESH_EVENT = "ldl-refresh";
  var SELECTOR = "[data-lieux-widget], lieux-open-now, lieux-agenda";
  var widgets = [];
  var pending = [];
  var htmxReady = null;
  var loading = false;

  // <lieux-agenda lieu=…> reads its attributes as they are; <div data-lieux-widget> their data-
  // twins.
  function option(el, name) {
    return el.getAttribute(ELEMENTS[el.localName] ? name : "data-" + name);
  }

  function kindOf(el) {
    return KINDS[ELEMENTS[el.localName] || el.getAttribute("data-lieux-widget")] || KINDS["open-now"];
  }

  // The fragment's ids end with its widget's number on this page (ldl-open-now-w2, its title
  // ldl-open-now-w2-title): with two widgets on a page, each one's aria-labelledby names its own.
  function fragmentUrl(el, uid) {
    var kind = kindOf(el);
    var query = new URLSearchParams();
    kind.params.forEach(function (name) {
      var value = option(el, name);
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
    query.append("uid", uid);
    return config.origin + kind.path + "?" + query.toString();
  }

  function refreshSeconds(el) {
    var seconds = parseInt(option(el, "refresh"), 10);
    if (!(seconds > 0)) return kindOf(el).refresh;
    return Math.max(seconds, config.minRefresh);
  }

  function addStylesheet(name, href) {
    if (document.querySelector("link[" + name + "]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.setAttribute(name, "");
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
    if (isOurs(el)) return;
    if (ELEMENTS[el.localName]) el.style.display = "block"; // custom elements are inline
    // Every attribute is set on the element itself so that nothing the host page put on an
    // ancestor (hx-headers, hx-target, hx-select, hx-vals, hx-confirm...) applies to it: the
    // htmx snippet's own (lieux/embed/snippets.py's GUARD_ATTRIBUTES), headers none at all.
    var uid = "w" + (widgets.length + 1);
    el.setAttribute("hx-get", fragmentUrl(el, uid));
    el.setAttribute("hx-trigger", "load, every " + refreshSeconds(el) + "s, " + REFRESH_EVENT);
    el.setAttribute("hx-select", kindOf(el).select + "-" + uid);
    config.attributes.forEach(function (pair) { el.setAttribute(pair[0], pair[1]); });
    widgets.push(el);
    htmx.process(el);
  }

  function start(htmx) {
    allowOurOrigin(htmx);
    document.addEventListener("htmx:configRequest", function (event) {
      if (!isOurs(event.detail.elt)) return;
      // hx-request's noHeaders already sends none; should a host's htmx ignore it, only htmx's
      // own headers go to our origin: a host's hx-headers (a CSRF token...) must not leak to us,
      // and would make the browser's preflight fail anyway.
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
    htmxReady = htmx;
    var waiting = pending;
    pending = [];
    waiting.forEach(function (el) { setUp(htmx, el); });
  }

  // A widget in the page, now or later: styles first, then htmx (loaded once), then its request.
  function show(el) {
    if (isOurs(el) || pending.indexOf(el) !== -1) return;
    addStylesheet("data-lieux-widget-css", config.css);
    if (kindOf(el) === KINDS.agenda) addStylesheet("data-lieux-agenda-css", config.agendaCss);
    if (htmxReady) return setUp(htmxReady, el);
    pending.push(el);
    if (!loading) {
      loading = true;
      withHtmx(start);
    }
  }

  function scan(root) {
    if (root.nodeType !== 1) return;
    if (root.matches(SELECTOR)) show(root);
    var found = root.querySelectorAll(SELECTOR);
    for (var i = 0; i < found.length; i++) show(found[i]);
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

  // The custom elements show themselves when they enter the page, however they got there.
  function defineElement(name) {
    if (!window.customElements || customElements.get(name)) return;
    function Element() { return Reflect.construct(HTMLElement, [], Element); }
    Element.prototype = Object.create(HTMLElement.prototype);
    Element.prototype.constructor = Element;
    Element.prototype.connectedCallback = function () { if (started) show(this); };
    Object.setPrototypeOf(Element, HTMLElement);
    customElements.define(name, Element);
  }

  var started = false;
  function main() {
    started = true;
    scan(document.documentElement);
    // A <div data-lieux-widget> a page adds after load (a tab, a modal, a page builder).
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        for (var i = 0; i < record.addedNodes.length; i++) scan(record.addedNodes[i]);
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  Object.keys(ELEMENTS).forEach(defineElement);

  // Wait for the parser: a page's own htmx may come in a later or deferred <script>.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})(/*CONFIG*/);
