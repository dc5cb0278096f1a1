// zfxxgk serve: live reload for the local preview. Served only by `zfxxgk serve`, never
// part of a built site. Listens for server-sent events from the dev server.
(function () {
  "use strict";
  var OVERLAY_ID = "zfxxgk-problems";
  var SHOWN = "/__zfxxgk/shown";

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) { old.parentNode.removeChild(old); }
  }

  function showOverlay(problems) {
    hideOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(255,255,255,.97);color:#1f1f1f;padding:2rem;font:16px/1.7 sans-serif;";
    var title = document.createElement("h2");
    title.style.color = "#a4161a";
    title.textContent = "内容有错误，网站未更新（仍显示上一次成功生成的版本）";
    box.appendChild(title);
    var hint = document.createElement("p");
    hint.textContent = "请按以下提示修改并保存，页面将自动刷新：";
    box.appendChild(hint);
    var list = document.createElement("ul");
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.style.fontFamily = "monospace";
      item.textContent = text;  // text only: content never becomes markup here
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  function refreshStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      url.searchParams.set("zfxxgk", String(Date.now()));
      link.href = url.toString();
    });
  }

  // The output path of this page, as the server names written files: "a/b/index.html".
  function ownPath() {
    var path = decodeURIComponent(window.location.pathname).replace(/^\/+/, "");
    return path === "" || path.slice(-1) === "/" ? path + "index.html" : path;
  }

  // Only these scripts may be on a page that is updated in place: they act outside
  // <main> or listen for "zfxxgk:updated". A page with any other script is reloaded.
  var KNOWN_SCRIPT = /\/(assets\/a11y-(init|toolbar)\.js|__zfxxgk\/live\.js)(\?|$)/;
  var METAS = "head > meta[content]";
  var baseline = null;  // the page's frame (all but <main>) as last served
  var updates = 0;

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  // The page as served with the parts emptied that an edit of its document's text can
  // change without anything to load: <main>, the title and the values of <meta> tags
  // (the description comes from the first paragraph).
  function frame(doc) {
    var copy = doc.documentElement.cloneNode(true);
    var main = copy.querySelector("main");
    if (main) { main.textContent = ""; }
    var title = copy.querySelector("head > title");
    if (title) { title.textContent = ""; }
    Array.prototype.forEach.call(copy.querySelectorAll(METAS), function (meta) {
      meta.setAttribute("content", "");
    });
    return copy.outerHTML;
  }

  function putInPlace(doc) {
    document.querySelector("main").replaceWith(document.adoptNode(doc.querySelector("main")));
    document.title = doc.title;
    var fresh = doc.querySelectorAll(METAS);
    Array.prototype.forEach.call(document.querySelectorAll(METAS), function (meta, i) {
      meta.setAttribute("content", fresh[i].getAttribute("content"));
    });
  }

  function swappable(doc) {
    var scripts = doc.querySelectorAll("script");
    for (var i = 0; i < scripts.length; i += 1) {
      if (!KNOWN_SCRIPT.test(scripts[i].getAttribute("src") || "")) { return false; }
    }
    return doc.querySelector("main") !== null && document.querySelector("main") !== null;
  }

  function fetchPage() {
    return fetch(window.location.href, { cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    });
  }

  // Put the new <main> in place when nothing else on the page changed: no new document,
  // no style sheets and scripts to load again, and the reader keeps the scroll position.
  // Anything else (a new title, a deleted page, a page with other scripts) reloads.
  function update() {
    var ticket = ++updates;
    fetchPage().then(function (html) {
      if (ticket !== updates) { return; }  // a newer update is on its way
      var doc = parse(html);
      var shape = frame(doc);
      if (baseline === null || shape !== baseline || !swappable(doc)) {
        window.location.reload();
        return;
      }
      putInPlace(doc);
      document.dispatchEvent(new CustomEvent("zfxxgk:updated"));
      window.requestAnimationFrame(function () {
        fetch(SHOWN + "?page=" + encodeURIComponent(ownPath()), { cache: "no-store" });
      });
    }).catch(function () { window.location.reload(); });
  }

  // A reload names the pages it changed (null: every page); others stay as they are.
  function reload(e) {
    var paths = JSON.parse(e.data);
    if (paths === null) { window.location.reload(); return; }
    if (paths.indexOf(ownPath()) !== -1) { update(); }
  }

  // Connected once the page has loaded, naming the page: the server lets an edited page
  // reload before it goes on with the rest of a rebuild, and learns here that it has.
  function connect() {
    // The frame to compare updates with. Kept only if this response is what the page
    // shows; otherwise the first update reloads the page instead.
    fetchPage().then(function (html) {
      var doc = parse(html);
      if (updates !== 0 || !swappable(doc)) { return; }
      if (doc.querySelector("main").textContent === document.querySelector("main").textContent) {
        baseline = frame(doc);
      }
    }).catch(function () { baseline = null; });
    var events = new EventSource("/__zfxxgk/events?page=" + encodeURIComponent(ownPath()));
    events.addEventListener("reload", reload);
    events.addEventListener("css", function () { hideOverlay(); refreshStyles(); });
    events.addEventListener("problems", function (e) { showOverlay(JSON.parse(e.data)); });
    events.addEventListener("ok", hideOverlay);
  }

  if (document.readyState === "complete") {
    connect();
  } else {
    window.addEventListener("load", connect);
  }
})();
