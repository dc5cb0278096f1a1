// 站内搜索: our own small interface on Pagefind's JavaScript API (not pagefind-ui, whose
// inline styles the site's Content-Security-Policy forbids). Loaded only by search/.
// Order of a result list: exact 发文字号 / 索引号 matches from search/exact.json first,
// then Pagefind's ranked pages. Without JavaScript the page explains how else to find.

const form = document.querySelector(".search-form");
const input = document.getElementById("search-q");
const statusLine = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const filterBox = document.querySelector(".search-filters");
const selects = Array.from(document.querySelectorAll("select[data-filter]"));
const PAGE_SIZE = 20;

// Pages of the 繁體 copy live under zh-hant/; the bundle and the map live at the site root.
// Links are relative, so on a copied page they point into zh-hant/: go one folder up.
const hant = document.documentElement.lang.startsWith("zh-Hant");
const pageRoot = new URL("../", new URL(form.dataset.bundle, location.href));
const siteRoot = hant ? new URL("../", pageRoot) : pageRoot;
const manifestUrl = new URL("pagefind/shards.json", siteRoot);

// Same steps as generator/search.py normalise_number(): width, brackets, spaces, 号.
function normalise(text) {
  return text
    .normalize("NFKC")
    .replace(/[〔【〖(]/g, "[")
    .replace(/[〕】〗)]/g, "]")
    .replace(/\s+/g, "")
    .toUpperCase()
    .replace(/号$/, "")
    .replace(/號$/, "");
}

let pagefind = null;
let exact = null;
let generation = 0;
// The recent bundle's stand-ins (generator/search.py Recent): pages left out of results
// and out of the filters' counts.
let hidden = new Set();
let uncount = {};

async function loadExact() {
  try {
    const response = await fetch(new URL(form.dataset.exact, location.href));
    return response.ok ? await response.json() : { pages: [], keys: {} };
  } catch {
    return { pages: [], keys: {} };
  }
}

// A large site's index comes in shards (generator/searchindex.py): the first is loaded,
// the others merged into it, and a search asks them all. Pages edited since their shard
// was indexed are in the recent bundle; their shards' copies are hidden.
async function loadPagefind() {
  const response = await fetch(manifestUrl);
  if (!response.ok) throw new Error(`${manifestUrl}: ${response.status}`);
  const manifest = await response.json();
  const recent = manifest.recent;
  const bundles = recent ? [...manifest.bundles, recent.bundle] : manifest.bundles;
  hidden = new Set(recent ? recent.hidden : []);
  // Pagefind reads the language of its index from <html lang>, as its page ids begin.
  uncount = (recent && recent.uncount[document.documentElement.lang.toLowerCase()]) || {};
  const [first, ...others] = bundles.map((b) => new URL(b, manifestUrl));
  const options = { baseUrl: "/", excerptLength: 40 };
  const module = await import(new URL("pagefind.js", first).href);
  await module.options(options);
  await module.init();
  await Promise.all(others.map((bundle) => module.mergeIndex(bundle.href, options)));
  return module;
}

function chosenFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

function fillFilters(available) {
  for (const select of selects) {
    const current = select.value || new URLSearchParams(location.search).get(select.dataset.filter) || "";
    const counts = { ...(available[select.dataset.filter] || {}) };
    for (const [name, less] of Object.entries(uncount[select.dataset.filter] || {})) {
      counts[name] = (counts[name] || 0) - less;
      if (counts[name] <= 0) delete counts[name];
    }
    const names = Object.keys(counts).sort((a, b) => (select.dataset.filter === "年份" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN")));
    select.replaceChildren(new Option("全部", ""));
    for (const name of names) {
      select.append(new Option(`${name}（${counts[name]}）`, name));
    }
    select.value = names.includes(current) ? current : "";
  }
  filterBox.hidden = false;
}

// Pagefind's excerpt is text with <mark> around the matched words; copy only that, never
// other markup, so nothing from the index can add elements or attributes to the page.
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const nodes = [];
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function resultItem({ url, title, docNo, date, excerpt, exactMatch }) {
  const item = document.createElement("li");
  item.className = exactMatch ? "search-result exact" : "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title;
  heading.append(link);
  item.append(heading);
  const meta = document.createElement("p");
  meta.className = "result-meta";
  if (exactMatch) {
    const tag = document.createElement("span");
    tag.className = "result-tag";
    tag.textContent = "文号 / 索引号匹配";
    meta.append(tag);
  }
  for (const [label, value] of [["发文字号", docNo], ["发布日期", date]]) {
    if (!value) continue;
    const span = document.createElement("span");
    span.textContent = `${label}：${value}`;
    meta.append(span);
  }
  if (meta.childNodes.length) item.append(meta);
  if (excerpt) {
    const text = document.createElement("p");
    text.className = "result-excerpt";
    text.append(...excerptNodes(excerpt));
    item.append(text);
  }
  return item;
}

function exactItems(query) {
  const numbers = (exact.keys[normalise(query)] || []).map((n) => exact.pages[n]);
  return numbers.map((page) => ({
    url: new URL(page.url, pageRoot).href,
    title: page.title,
    docNo: page.doc_no,
    date: page.date,
    exactMatch: true,
  }));
}

// The index holds a hidden block of key-term phrases after each page's text, starting with
// this word (generator/search.py with_hints); an excerpt is never taken from it.
const HINT_MARK = "检索提示";

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function excerptOf(data, query) {
  const cut = data.content.indexOf(HINT_MARK);
  if (cut < 0) return data.excerpt;
  const text = data.content.slice(0, cut);
  const plain = data.excerpt.replace(/<\/?mark>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  if (!plain.includes(HINT_MARK) && text.includes(plain.slice(0, 12))) return data.excerpt;
  const words = [query, ...query.match(/[\u3400-\u9fff]{2}/g) || []].filter(Boolean);
  let at = -1;
  let word = "";
  for (const w of words) {
    at = text.indexOf(w);
    if (at >= 0) {
      word = w;
      break;
    }
  }
  if (at < 0) return escapeHtml(text.slice(0, 80));
  const start = Math.max(0, at - 30);
  return (
    escapeHtml(text.slice(start, at)) +
    `<mark>${escapeHtml(word)}</mark>` +
    escapeHtml(text.slice(at + word.length, at + word.length + 50))
  );
}

async function pagefindItems(query, filters, skip) {
  const hasFilter = Object.keys(filters).length > 0;
  const search = await pagefind.search(query || null, { filters });
  if (!search || (!query && !hasFilter)) return { total: 0, items: [] };
  const results = search.results.filter((r) => !hidden.has(r.id));
  const page = await Promise.all(results.slice(0, PAGE_SIZE).map((r) => r.data()));
  const all = page
    .map((data) => ({
      url: new URL(data.url.replace(/^\//, ""), siteRoot).href,
      title: data.meta.title || data.url,
      docNo: data.meta.doc_no || "",
      date: data.meta.date || "",
      excerpt: excerptOf(data, query || ""),
    }));
  const items = all.filter((item) => !skip.has(item.url));
  return { total: results.length - (all.length - items.length), items };
}

async function run() {
  const mine = ++generation;
  const query = input.value.trim();
  const filters = chosenFilters();
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  history.replaceState(null, "", `${location.pathname}${params.size ? "?" + params : ""}`);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    statusLine.textContent = "";
    return;
  }
  statusLine.textContent = "正在搜索……";
  const first = query ? exactItems(query) : [];
  const { total, items } = await pagefindItems(query, filters, new Set(first.map((i) => i.url)));
  if (mine !== generation) return; // a newer query has started
  const shown = [...first, ...items];
  list.replaceChildren(...shown.map(resultItem));
  const count = first.length + total;
  statusLine.textContent = shown.length
    ? `找到 ${count} 条结果${count > shown.length ? `，显示前 ${shown.length} 条` : ""}。`
    : "没有找到相关信息，请换用其他关键词，或检查发文字号、索引号是否输入完整。";
}

async function start() {
  document.querySelector(".search-fallback").hidden = true;
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  try {
    [pagefind, exact] = await Promise.all([loadPagefind(), loadExact()]);
  } catch {
    document.querySelector(".search-fallback").hidden = false;
    statusLine.textContent = "搜索索引未能加载（请通过网站地址访问本页，不要直接打开文件）。";
    return;
  }
  fillFilters(await pagefind.filters());
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  for (const select of selects) select.addEventListener("change", run);
  form.dataset.ready = "true";
  await run();
}

start();
