/* 适老化 toolbar: larger text (three steps above normal), high contrast, wider line spacing, reset.
 * The markup comes from the page template with the `hidden` attribute, so readers without
 * JavaScript see a complete page and no dead buttons; this script reveals and wires it.
 * No framework, no inline script or style: the pages run under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var KEY = "zfxxgk-a11y";
  var MAX_TEXT = 3;
  var SIZE_NAMES = ["标准", "大", "较大", "特大"];
  var root = document.documentElement;

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (e) {
      return {};
    }
  }

  function save(settings) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (e) {
      /* not remembered across pages, but still applied to this one */
    }
  }

  function normalise(raw) {
    return {
      text: Math.min(Math.max(parseInt(raw.text, 10) || 0, 0), MAX_TEXT),
      contrast: raw.contrast === true,
      spacing: raw.spacing === true
    };
  }

  function apply(settings, toolbar) {
    for (var step = 1; step <= MAX_TEXT; step++) {
      root.classList.toggle("a11y-text-" + step, settings.text === step);
    }
    root.classList.toggle("a11y-contrast", settings.contrast);
    root.classList.toggle("a11y-spacing", settings.spacing);
    toolbar.querySelector('[data-a11y="contrast"]').setAttribute("aria-pressed", String(settings.contrast));
    toolbar.querySelector('[data-a11y="spacing"]').setAttribute("aria-pressed", String(settings.spacing));
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus.
    toolbar.querySelector('[data-a11y="larger"]').setAttribute("aria-disabled", String(settings.text >= MAX_TEXT));
    toolbar.querySelector('[data-a11y="smaller"]').setAttribute("aria-disabled", String(settings.text <= 0));
    toolbar.querySelector("[data-a11y-status]").textContent = "字号：" + SIZE_NAMES[settings.text];
  }

  function change(settings, action) {
    if (action === "larger") settings.text = Math.min(settings.text + 1, MAX_TEXT);
    else if (action === "smaller") settings.text = Math.max(settings.text - 1, 0);
    else if (action === "contrast") settings.contrast = !settings.contrast;
    else if (action === "spacing") settings.spacing = !settings.spacing;
    else if (action === "reset") return normalise({});
    return settings;
  }

  function start() {
    var toolbar = document.getElementById("a11y-toolbar");
    if (!toolbar || !root.classList) return;
    var settings = normalise(load());
    apply(settings, toolbar);
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-a11y]");
      if (!button || button.getAttribute("aria-disabled") === "true") return;
      settings = change(settings, button.getAttribute("data-a11y"));
      save(settings);
      apply(settings, toolbar);
    });
    toolbar.hidden = false;
  }

  /* Wide tables sit in a scroll box that the page renders focusable (tabindex="0"), so that
   * keyboard users can scroll it even without JavaScript. Boxes with nothing to scroll (most
   * tables on a desktop screen) are taken out of the tab order, and put back when a narrower
   * window or a larger text step makes them scroll. */
  function watchScrollBoxes() {
    var boxes = document.querySelectorAll(".table-scroll");
    if (!boxes.length || !window.ResizeObserver) return;
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var box = entry.target.closest(".table-scroll");
        if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
        else if (box !== document.activeElement) box.removeAttribute("tabindex");
      });
    });
    Array.prototype.forEach.call(boxes, function (box) {
      observer.observe(box);
      if (box.firstElementChild) observer.observe(box.firstElementChild);
    });
  }

  function ready() {
    start();
    watchScrollBoxes();
    // The local preview (zfxxgk serve) can put an edited page's <main> in place without a
    // reload; its new tables need watching too.
    document.addEventListener("zfxxgk:updated", watchScrollBoxes);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
