/* Embeddable widgets (home/widgets.py, docs/widgets.md). One small script,
 * no third-party code, three roles:
 *
 * 1. On a partner's page, each
 *      <script src=".../static/js/embed.js" data-widget-url="https://…/widget/?…"
 *              data-widget-title="…" data-widget-height="600" async></script>
 *    inserts an <iframe> of the widget right after itself, then fits the
 *    frame's height to its content when the widget says it (postMessage),
 *    accepting only messages from that very frame and the widget's origin.
 * 2. Inside a widget (<body data-widget-frame>), it tells the page that
 *    frames it the height of its content, whenever it changes.
 * 3. On the site's listings, the « Intégrer sur votre site » panel's copy
 *    buttons (data-copy-target: the id of the readonly textarea to copy).
 */
(function () {
  "use strict";

  var MESSAGE_TYPE = "maison-ess-widget:height";
  var MIN_HEIGHT = 120;
  var MAX_HEIGHT = 20000;

  /* --- 1. On a partner's page: insert the frames ---------------------------- */

  var frames = (window.__maisonEssWidgets = window.__maisonEssWidgets || []);

  function widgetOrigin(url) {
    try {
      var parsed = new URL(url, document.baseURI);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
        return null;
      }
      return { href: parsed.href, origin: parsed.origin };
    } catch (error) {
      return null;
    }
  }

  function insertFrame(script) {
    if (script.dataset.widgetDone) {
      return;
    }
    script.dataset.widgetDone = "1";
    var target = widgetOrigin(script.dataset.widgetUrl || "");
    if (!target) {
      return;
    }
    var height = parseInt(script.dataset.widgetHeight, 10);
    var frame = document.createElement("iframe");
    frame.src = target.href;
    frame.title = script.dataset.widgetTitle || "Widget";
    frame.loading = "lazy";
    frame.width = "100%";
    frame.height = String(height > 0 && height < MAX_HEIGHT ? height : 600);
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.maxWidth = "100%";
    frame.style.display = "block";
    frame.setAttribute("data-widget-frame-of", target.origin);
    script.parentNode.insertBefore(frame, script.nextSibling);
    frames.push({ frame: frame, origin: target.origin });
  }

  function onMessage(event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== MESSAGE_TYPE) {
      return;
    }
    for (var i = 0; i < frames.length; i += 1) {
      var item = frames[i];
      // Only the frame itself, from the widget's own origin.
      if (item.frame.contentWindow === event.source && item.origin === event.origin) {
        var height = Math.round(Number(data.height));
        if (isFinite(height)) {
          height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, height));
          item.frame.style.height = height + "px";
          item.frame.height = String(height);
        }
        return;
      }
    }
  }

  var scripts = [];
  if (document.currentScript && document.currentScript.dataset.widgetUrl) {
    scripts.push(document.currentScript);
  }
  var others = document.querySelectorAll("script[data-widget-url]");
  for (var s = 0; s < others.length; s += 1) {
    scripts.push(others[s]);
  }
  if (scripts.length) {
    if (!window.__maisonEssWidgetsListening) {
      window.__maisonEssWidgetsListening = true;
      window.addEventListener("message", onMessage);
    }
    scripts.forEach(insertFrame);
  }

  /* --- 2. Inside a widget: report the content's height ----------------------- */

  function reportHeight() {
    var body = document.body;
    if (!body) {
      return;
    }
    var height = Math.max(body.scrollHeight, body.offsetHeight);
    window.parent.postMessage({ type: MESSAGE_TYPE, height: height }, "*");
  }

  function watchHeight() {
    if (!document.body || !document.body.hasAttribute("data-widget-frame")) {
      return;
    }
    if (window.parent === window) {
      return;
    }
    var pending = false;
    function schedule() {
      if (pending) {
        return;
      }
      pending = true;
      // A timer, not requestAnimationFrame: browsers pause the rendering of
      // a cross-origin frame that is out of view, not its timers.
      window.setTimeout(function () {
        pending = false;
        reportHeight();
      }, 50);
    }
    if (typeof window.ResizeObserver === "function") {
      new window.ResizeObserver(schedule).observe(document.body);
    } else {
      window.addEventListener("resize", schedule);
    }
    window.addEventListener("load", reportHeight);
    reportHeight();
  }

  /* --- 3. On the site's listings: the copy buttons ---------------------------- */

  function setUpCopyButtons() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) {
        return;
      }
      var status = document.getElementById(button.getAttribute("data-copy-status") || "");
      button.hidden = false;
      button.addEventListener("click", function () {
        function done(ok) {
          if (status) {
            status.textContent = ok
              ? button.getAttribute("data-copied-message") || ""
              : button.getAttribute("data-copy-failed-message") || "";
          }
        }
        function fallback() {
          field.focus();
          field.select();
          var ok = false;
          try {
            ok = document.execCommand("copy");
          } catch (error) {
            ok = false;
          }
          done(ok);
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () {
            done(true);
          }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  function ready() {
    watchHeight();
    setUpCopyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
