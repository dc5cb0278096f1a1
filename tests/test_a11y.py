"""Accessibility of the default theme, proved with tools no one here wrote.

GB/T 37668-2019 asks for what WCAG 2.1 AA asks; the 适老化 retrofit (《互联网网站适老化通用设计
规范》, rules.md "Accessibility and 适老化") asks for larger text, high contrast and a page
that works by keyboard. The example site is built once, served on loopback with the
production Content-Security-Policy, and checked on every page type with axe-core (in
Debian's Chromium), the Nu HTML Checker (vnu.jar) and our own structural checks.

axe-core and vnu-jar are npm packages that .ci/run installs into .ci/node/node_modules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from bench.screens import PAGE_TYPES, build_example, serve
from generator.build import build
from generator.errors import BuildError

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = (REPO / ".ci" / "node" / "node_modules", REPO / "node_modules")
REQUIRE = bool(os.environ.get("ZFXXGK_REQUIRE_BROWSER"))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STORAGE_KEY = "zfxxgk-a11y"
# Every 适老化 setting at its strongest: the largest text step, high contrast, wide spacing.
ELDER_SETTINGS = {"text": 3, "contrast": True, "spacing": True}
# The search page comes from another branch; it is checked whenever the build has one.
OPTIONAL_TYPES: set[str] = set()  # every page type must be built


def missing(what: str) -> None:
    """A tool is absent: fail in CI (ZFXXGK_REQUIRE_BROWSER=1), skip on a developer's machine."""
    if REQUIRE:
        pytest.fail(f"{what} is not installed (bash .ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def node_file(relative: str) -> Path | None:
    for base in NODE_MODULES:
        if (base / relative).is_file():
            return base / relative
    return None


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example site, with page_size 3 so that a 栏目 has a second page."""
    root = tmp_path_factory.mktemp("a11y")
    with serve(root / "output") as server:
        yield build_example(root, server.server_port, page_size=3)


@pytest.fixture(scope="module")
def axe_source() -> str:
    path = node_file("axe-core/axe.min.js")
    if path is None:
        missing("npm package axe-core")
    return path.read_text(encoding="utf-8")


def test_every_page_type_is_built(example):
    expected = {kind for kind, _ in PAGE_TYPES} - OPTIONAL_TYPES
    assert expected <= set(example.pages), expected - set(example.pages)


# -- structure of every built page, read from the HTML --------------------------------------


class PageStructure(HTMLParser):
    """What the checks below need from one page: headings, landmarks, tables, attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.headings: list[int] = []
        self.landmarks: list[str] = []
        self.tables: list[dict] = []  # {"caption": bool, "labelled_box": bool, "th": [scope]}
        self.boxes: list[bool] = []  # open <div>s: is it a labelled scroll box?
        self.problems: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        line = self.getpos()[0]
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.append(tag)
        if tag == "div":
            self.boxes.append(
                "table-scroll" in (attributes.get("class") or "")
                and attributes.get("role") == "region"
                and attributes.get("tabindex") == "0"
                and bool(attributes.get("aria-label"))
            )
        if tag == "table":
            self.tables.append(
                {"caption": False, "labelled_box": any(self.boxes[-1:]), "th": [], "line": line}
            )
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "th" and self.tables:
            self.tables[-1]["th"].append(attributes.get("scope"))
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        for name, value in attributes.items():
            if name == "style" or name.startswith("on"):
                self.problems.append(f"line {line}: {name}= attribute (forbidden by the CSP)")
            if name == "tabindex" and value and value.lstrip("-").isdigit() and int(value) > 0:
                self.problems.append(f"line {line}: tabindex={value} breaks the tab order")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.boxes:
            self.boxes.pop()


def structure(path: Path) -> PageStructure:
    parser = PageStructure()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def built_pages(example) -> list[Path]:
    """Every HTML page but the root's meta-refresh redirect."""
    return [p for p in sorted(example.output.rglob("*.html")) if p != example.output / "index.html"]


def test_pages_declare_zh_cn_and_have_the_four_landmarks(example):
    for kind, path in example.pages.items():
        page = structure(example.output / path)
        assert page.lang == "zh-CN", kind
        assert page.landmarks[0] == "header" and page.landmarks[-1] == "footer", (
            kind,
            page.landmarks,
        )
        assert page.landmarks.count("main") == 1 and "nav" in page.landmarks, (kind, page.landmarks)


def test_headings_never_skip_a_level(example):
    """One h1 first, then never deeper than one level below the previous heading."""
    bad = []
    for path in built_pages(example):
        levels = structure(path).headings
        skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
        if not levels or levels[0] != 1 or levels.count(1) != 1 or skips:
            bad.append(f"{path.relative_to(example.output)}: h{' h'.join(map(str, levels))}")
    assert not bad, "\n".join(bad)


def test_tables_have_captions_and_scoped_headers(example):
    """Template tables carry a <caption>; Markdown tables sit in a labelled scroll box instead.
    Every header cell says what it heads (scope)."""
    bad = []
    for path in built_pages(example):
        for table in structure(path).tables:
            where = f"{path.relative_to(example.output)}:{table['line']}"
            if not (table["caption"] or table["labelled_box"]):
                bad.append(f"{where}: table without caption or labelled scroll box")
            if None in table["th"]:
                bad.append(f"{where}: <th> without scope")
    assert not bad, "\n".join(bad)


def test_pages_meet_the_content_security_policy_and_tab_order(example):
    """No inline script, style= or on*= (the CSP would block them), no positive tabindex."""
    bad = []
    for path in built_pages(example):
        page = structure(path)
        name = path.relative_to(example.output)
        bad += [f"{name}: {problem}" for problem in page.problems]
        if page.inline_scripts:
            bad.append(f"{name}: {page.inline_scripts} inline <script>")
    assert not bad, "\n".join(bad[:40])


def test_settings_script_runs_before_first_paint(example):
    """a11y-init.js is a plain (blocking) script in <head>, before the style sheet; the toolbar
    script is deferred; the toolbar itself is hidden until that script reveals it."""
    html = (example.output / example.pages["document"]).read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    init = re.search(r'<script src="[^"]*a11y-init\.js"></script>', head)
    assert init and init.start() < head.index('rel="stylesheet"')
    assert re.search(r'<script src="[^"]*a11y-toolbar\.js" defer></script>', head)
    assert re.search(r'<div class="a11y-toolbar" id="a11y-toolbar"[^>]* hidden>', html)


# -- Nu HTML Checker ---------------------------------------------------------------------------


def test_nu_html_checker_finds_no_errors(example):
    java = shutil.which("java")
    if java is None:
        missing("java")
    jar = node_file("vnu-jar/build/dist/vnu.jar")
    if jar is None:
        missing("npm package vnu-jar")
    files = [str(example.output / path) for path in example.pages.values()]
    # One JVM for every page type: starting Java is the slow part.
    run = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).relative_to(example.output) if m.get('url') else '?'}"
        f":{m.get('lastLine', '?')}: {m.get('message')}\n    {m.get('extract', '').strip()}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "\n".join(errors)


# -- axe-core in Chromium ---------------------------------------------------------------------


def format_violations(kind: str, violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(f"{kind}: [{violation['id']}] ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        lines.append(f"    {violation['helpUrl']}")
    return lines


def axe_report(
    example, chromium, axe_source: str, viewport: dict, settings: dict | None
) -> list[str]:
    context = chromium.new_context(viewport=viewport)
    if settings is not None:
        context.add_init_script(
            f"window.localStorage.setItem({STORAGE_KEY!r}, {json.dumps(json.dumps(settings))});"
        )
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    lines = []
    for kind, path in example.pages.items():
        page.goto(example.url + path)
        page.wait_for_load_state("load")
        page.evaluate(axe_source)  # through the DevTools protocol: not an inline script
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        lines += format_violations(kind, result["violations"])
        if settings is not None:
            classes = page.evaluate("document.documentElement.className")
            assert {"a11y-text-3", "a11y-contrast", "a11y-spacing"} <= set(classes.split()), kind
    context.close()
    return lines + [f"CSP: {text}" for text in blocked]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("viewport", "settings"),
    [
        ({"width": 1280, "height": 900}, None),
        ({"width": 360, "height": 740}, None),
        # 适老化: the largest text step, high contrast and wide spacing stay WCAG 2.1 AA.
        ({"width": 1280, "height": 900}, ELDER_SETTINGS),
        ({"width": 360, "height": 740}, ELDER_SETTINGS),
    ],
    ids=["desktop", "phone", "elder-desktop", "elder-phone"],
)
def test_axe_finds_no_wcag21_aa_violations(example, chromium, axe_source, viewport, settings):
    """At phone width wide tables overflow, which brings in axe's scrollable-region rules."""
    lines = axe_report(example, chromium, axe_source, viewport, settings)
    assert not lines, "axe-core found violations:\n" + "\n".join(lines)


# -- keyboard --------------------------------------------------------------------------------

# The effective background behind an element's focus outline, and the outline's contrast with it.
FOCUS_INFO = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  // An outline drawn outside the element (offset >= 0) lies on what is behind the element.
  let node = parseFloat(style.outlineOffset) >= 0 ? el.parentElement : el, bg = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  const lum = c => {
    const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const a = lum(rgb(style.outlineColor).slice(0, 3)), b = lum(bg);
  const landmark = el.closest('header, nav, main, footer');
  return {
    tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 30),
    cls: el.className || '', id: el.id,
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    landmark: landmark ? landmark.tagName.toLowerCase() : '',
    visible: el.getBoundingClientRect().width > 0,
  };
}"""
LANDMARK_ORDER = {"header": 0, "nav": 1, "main": 2, "footer": 3}


@pytest.mark.browser
def test_keyboard_skip_link_visible_focus_and_tab_order(example, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(example.page_url("document"))
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_INFO)
    assert "skip-link" in first["cls"] and first["visible"], first
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "skip link must show on screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(example.page_url("document"))
    seen, order = [], []
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        if info["tag"] == "body":
            break
        seen.append(info)
        if info["landmark"] and info["landmark"] != "nav":
            order.append(LANDMARK_ORDER[info["landmark"]])
    weak = [i for i in seen if i["outline"] == "none" or i["width"] < 2 or i["contrast"] < 3]
    assert not weak, "focus outline missing or below 3:1:\n" + "\n".join(map(str, weak))
    # header → (breadcrumb and unit nav) → main → footer, never back.
    assert order == sorted(order) and order[0] == 0 and order[-1] == 3, order
    assert any(i["text"] == "放大字体" for i in seen), "toolbar buttons are reachable by Tab"
    page.close()


# -- 适老化 toolbar ----------------------------------------------------------------------------


@pytest.mark.browser
def test_toolbar_settings_apply_and_are_remembered_across_pages(example, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(example.page_url("document"))
    toolbar = page.locator("#a11y-toolbar")
    assert toolbar.is_visible()
    base_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    larger = toolbar.get_by_role("button", name="放大字体")
    larger.click()
    larger.click()
    assert "a11y-text-2" in page.evaluate("document.documentElement.className")
    assert toolbar.locator("[role=status]").inner_text() == "字号：较大"

    page.locator(".unit-nav a", has_text="政府信息公开目录").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(example.pages["catalogue"])
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size == pytest.approx(base_size * 1.25)
    larger.click()
    assert larger.get_attribute("aria-disabled") == "true", "three steps above normal at most"

    contrast = toolbar.get_by_role("button", name="高对比度")
    assert contrast.get_attribute("aria-pressed") == "false"
    contrast.click()
    assert contrast.get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    spacing = toolbar.get_by_role("button", name="加大行距")
    spacing.click()
    assert spacing.get_attribute("aria-pressed") == "true"

    page.goto(example.page_url("report"))
    classes = page.evaluate("document.documentElement.className").split()
    assert {"a11y-text-3", "a11y-contrast", "a11y-spacing"} <= set(classes)
    assert toolbar.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "true"

    toolbar.get_by_role("button", name="恢复默认").click()
    assert page.evaluate("document.documentElement.className").strip() == ""
    page.goto(example.page_url("home"))
    assert page.evaluate("document.documentElement.className").strip() == ""
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size == pytest.approx(base_size)
    context.close()


@pytest.mark.browser
def test_page_is_complete_without_javascript(example, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example.page_url("document"))
    assert page.locator("#a11y-toolbar").is_hidden(), "no dead buttons without JavaScript"
    assert page.locator("main h1").is_visible()
    assert page.locator("table.meta").is_visible()
    assert page.locator(".unit-nav a").count() >= 5
    context.close()


# -- phones and print --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("settings", [None, {"text": 3}], ids=["normal", "largest-text"])
def test_no_horizontal_scroll_at_360_px(example, chromium, settings):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    if settings:
        context.add_init_script(
            f"window.localStorage.setItem({STORAGE_KEY!r}, {json.dumps(json.dumps(settings))});"
        )
    page = context.new_page()
    wide = []
    for kind, path in example.pages.items():
        page.goto(example.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{kind}: {width} px")
    context.close()
    assert not wide, "pages wider than a 360 px phone:\n" + "\n".join(wide)


@pytest.mark.browser
def test_wide_tables_scroll_inside_a_focusable_labelled_box(example, chromium):
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    for kind in ("catalogue", "report"):
        page.goto(example.page_url(kind))
        boxes = page.locator(".table-scroll")
        assert boxes.count() >= 1, kind
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('.table-scroll')]
                 .filter(b => b.scrollWidth > b.clientWidth)
                 .map(b => [b.tabIndex, b.getAttribute('role'), b.getAttribute('aria-label')])"""
        )
        assert overflowing, f"{kind}: expected a table wider than the phone"
        for tabindex, role, label in overflowing:
            assert tabindex == 0 and role == "region" and label, (kind, tabindex, role, label)
    # On a desktop the catalogue fits: its box is no tab stop (JavaScript takes it out) until
    # the largest text step makes it scroll.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(example.page_url("catalogue"))
    box = page.locator(".table-scroll").first
    page.wait_for_function("!document.querySelector('.table-scroll').hasAttribute('tabindex')")
    for _ in range(3):
        page.get_by_role("button", name="放大字体").click()
    page.set_viewport_size({"width": 900, "height": 900})
    page.wait_for_function("document.querySelector('.table-scroll').tabIndex === 0")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    page.close()


@pytest.mark.browser
def test_print_drops_furniture_and_writes_out_link_addresses(example, chromium):
    page = chromium.new_page()
    page.goto(example.page_url("document"))
    page.emulate_media(media="print")
    for selector in (".site-header", ".breadcrumbs", ".unit-nav", ".site-footer", ".a11y-toolbar"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).display") == (
            "none"
        ), selector
    assert page.locator("main h1").is_visible()
    assert page.locator(".print-only", has_text=example.url).is_visible()
    # An external link in the body prints its address after its text.
    page.evaluate(
        """() => { const a = document.createElement('a'); a.id = 'ext';
             a.href = 'https://www.gov.cn/zhengce/'; a.textContent = '中国政府网';
             document.querySelector('.document .body').append(a); }"""
    )
    after = page.evaluate("getComputedStyle(document.getElementById('ext'), '::after').content")
    assert "https://www.gov.cn/zhengce/" in after
    page.close()


# -- page furniture from site.yaml -------------------------------------------------------------

FULL_FOOTER = """\
site_name: 测试县人民政府
base_url: https://www.test.example/
footer:
  host: 测试县人民政府办公室
  contact: 0123-5550001
  site_code: "9999000009"
  icp: 测ICP备00000009号-1
  police_record: 测公网安备 99999902000009号
  conac_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
  conac_image: conac.png
"""


def footer_of(root: Path) -> str:
    html = (root / "output/zfxxgk/csxrmzf/index.html").read_text(encoding="utf-8")
    return html[html.index("<footer") : html.index("</footer>")]


def test_footer_shows_every_item_with_its_link(small_site):
    small_site.write("site.yaml", FULL_FOOTER)
    small_site.write("themes/default/static/conac.png", "png")
    build(small_site.root)
    footer = footer_of(small_site.root)
    assert "主办单位：测试县人民政府办公室" in footer
    assert "联系方式：0123-5550001" in footer
    assert "网站标识码：9999000009" in footer
    assert '<a href="https://beian.miit.gov.cn/">测ICP备00000009号-1</a>' in footer
    assert "registerSystemInfo?recordcode=99999902000009" in footer
    assert "method=show&amp;id=0a1b2c3d4e5f60718293a4b5c6d7e8f9" in footer
    assert '<img src="../../assets/conac.png" alt="党政机关网站标识">' in footer
    assert "jiucuo.html?site_code=9999000009&amp;url=https%3A%2F%2Fwww.test.example" in footer
    assert (small_site.root / "output/assets/conac.png").is_file()


def test_footer_items_are_all_optional(small_site):
    small_site.write("site.yaml", "site_name: 测试县人民政府\n")
    build(small_site.root)
    footer = footer_of(small_site.root)
    for absent in ("主办单位", "联系方式", "网站标识码", "备", "党政机关网站标识", "找错", "<p"):
        assert absent not in footer


def test_footer_values_are_escaped(small_site):
    script = "<script>alert(1)</script>"
    values = "\n".join(
        f"  {key}: '{script}'"
        for key in ("host", "contact", "site_code", "icp", "police_record", "conac_id")
    )
    small_site.write("site.yaml", f"site_name: 测试县人民政府\nfooter:\n{values}\n")
    build(small_site.root)
    html = (small_site.root / "output/zfxxgk/csxrmzf/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    footer = footer_of(small_site.root)
    assert footer.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 5  # each shown value
    assert "id=%3Cscript%3Ealert%281%29%3C/script%3E" in footer


@pytest.mark.parametrize("image", ["../secret.png", "https://cdn.example/x.png", "a b.png", "x.js"])
def test_conac_image_must_be_an_image_in_the_theme(small_site, image):
    small_site.write("site.yaml", f"site_name: 测试县人民政府\nfooter:\n  conac_image: '{image}'\n")
    with pytest.raises(BuildError) as caught:
        build(small_site.root)
    messages = [p.message for p in caught.value.problems.items]
    assert any("conac_image" in m for m in messages), messages
