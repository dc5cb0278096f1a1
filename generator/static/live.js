// zfxxgk serve: live reload for the local preview. Served only by `zfxxgk serve`, never
// part of a built site. Listens for server-sent events from the dev server.
(function () {
  "use strict";
  var OVERLAY_ID = "zfxxgk-problems";

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

  // A reload names the pages it changed (null: every page); others stay as they are.
  function reload(e) {
    var paths = JSON.parse(e.data);
    if (paths === null || paths.indexOf(ownPath()) !== -1) { window.location.reload(); }
  }

  // Connected once the page has loaded, naming the page: the server lets an edited page
  // reload before it goes on with the rest of a rebuild, and learns here that it has.
  function connect() {
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
