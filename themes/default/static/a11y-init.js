/* 适老化: apply the reader's stored display settings before the first paint.
 * Loaded without defer from <head>; only adds classes to <html>, which the style sheet reads.
 * Settings live in localStorage under "zfxxgk-a11y" (see a11y-toolbar.js). */
(function () {
  "use strict";
  var settings;
  try {
    settings = JSON.parse(window.localStorage.getItem("zfxxgk-a11y") || "{}") || {};
  } catch (e) {
    return; // storage disabled (private mode, file:// policy): keep the defaults
  }
  var root = document.documentElement;
  var size = Math.min(Math.max(parseInt(settings.text, 10) || 0, 0), 3);
  if (size > 0) root.classList.add("a11y-text-" + size);
  if (settings.contrast === true) root.classList.add("a11y-contrast");
  if (settings.spacing === true) root.classList.add("a11y-spacing");
})();
