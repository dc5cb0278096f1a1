"""``zfxxgk build`` with its cache: later builds redo only what changed, and the result is
always the site a clean build gives."""

import gc
import itertools
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import UNIT_YAML, document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_incremental import EDITS, UNITS, apply, make_site, tree_bytes

import generator.build
from generator import buildcache, buildstate
from generator.build import BuildResult
from generator.build import build as build_site
from generator.errors import BuildError
from generator.forked import can_fork
from generator.markup import MarkupRenderer
from generator.render import SiteRenderer
from generator.themes import default_theme_dir
from generator.urls import BUNDLE

STATS = "测试县人民政府/法定主动公开内容/统计信息/公报.md"


def site_bytes(folder: Path) -> dict[str, bytes]:
    """Every built file but the search index (Pagefind names its files differently on
    every run, whatever the input)."""
    return {path: data for path, data in tree_bytes(folder).items() if not path.startswith(BUNDLE)}


def clean_copy_bytes(root: Path, temp: Path) -> dict[str, bytes]:
    """The output of a clean build of the same content, in a copy of the site."""
    copy = temp / "clean"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output", buildstate.CACHE_DIR))
    return site_bytes(build(copy, clean=True, search=False).output_dir)


def build(root: Path, **options) -> BuildResult:
    """Builds without the search index unless a test asks for it: it is slow to make."""
    options.setdefault("search", False)
    return build_site(root, **options)


def test_second_build_finds_nothing_changed_and_writes_nothing(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    first = build(root)
    assert first.full and first.pages > 10
    before = {p: p.stat().st_mtime_ns for p in (root / "output").rglob("*") if p.is_file()}
    second = build(root)
    assert second.unchanged and second.files == first.files
    assert second.documents == first.documents
    after = {p: p.stat().st_mtime_ns for p in (root / "output").rglob("*") if p.is_file()}
    assert after == before


def test_warnings_are_reported_again_by_a_build_that_finds_no_change(tmp_path):
    root = tmp_path / "site"
    tree = make_site(root)
    # Published long after it was written: a timeliness warning.
    late = document("迟发的通知", "11999900MB0000009X/2024-00077", "2024-01-02", "2024-06-03")
    tree.doc("统计信息", "迟发", late, UNITS[0])
    first = build(root)
    assert first.problems.warnings
    second = build(root)
    assert second.unchanged
    assert [p.message for p in second.problems.warnings] == [
        p.message for p in first.problems.warnings
    ]


def test_one_changed_document_rewrites_only_its_pages(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    build(root)
    other_unit = root / "output" / "csxjyj"
    untouched = {p: p.stat().st_mtime_ns for p in other_unit.rglob("*") if p.is_file()}
    path = root / "content" / STATS
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段说明。\n", encoding="utf-8")
    result = build(root)
    assert not result.full and not result.unchanged
    assert 0 < result.written < 5
    assert {p: p.stat().st_mtime_ns for p in other_unit.rglob("*") if p.is_file()} == untouched
    assert "新增一段说明" in "".join(
        p.read_text(encoding="utf-8") for p in (root / "output").rglob("index.html")
    )
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_after_a_cold_build_a_new_title_rewrites_only_the_pages_that_show_it(tmp_path):
    """A site written afresh keeps no page fingerprints (SiteRenderer.page): a later
    change that reaches beyond the edited document's own pages renders its unit's pages
    again, and still writes only those whose bytes changed."""
    root = tmp_path / "site"
    make_site(root)
    build(root, jobs=2)
    output = root / "output"
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*.html")}
    path = root / "content" / STATS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("标题: ", "标题: 更新后的", 1), encoding="utf-8")
    result = build(root, jobs=2)
    rewritten = {p for p, stamp in before.items() if p.stat().st_mtime_ns != stamp}
    assert result.pages > len(rewritten) > 0  # rendered again, not all written
    assert all("更新后的" in p.read_text(encoding="utf-8") for p in rewritten)
    assert site_bytes(output) == clean_copy_bytes(root, tmp_path)


def test_an_edit_of_a_documents_text_renders_the_lists_around_it_only_for_a_new_summary(
    tmp_path,
):
    """The lists show a document's 内容概述, which comes from its first sentence when the
    editor gave none, but never the rest of its text."""
    root = tmp_path / "site"
    make_site(root)
    build(root)
    path = root / "content" / STATS
    appended = [build_after(path, lambda text, n=n: text + f"\n第{n}次补充。\n") for n in (1, 2)]
    assert appended[0].pages > 1  # the lists had no fingerprints yet (a site written afresh)
    assert appended[1].pages == appended[1].written == 1
    summarised = build_after(path, lambda text: text.replace("为做好今年", "为做好本年", 1))
    assert summarised.pages > 1
    catalogues = (root / "output").rglob("catalogue.csv")
    assert any("为做好本年春耕生产工作" in p.read_text(encoding="utf-8") for p in catalogues)
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_second_edit_of_a_documents_text_renders_no_template(tmp_path, monkeypatch):
    """The page of a document rendered for an edit of it keeps where its body sits
    (RenderState.frames), and the next edit of its text puts the new body there."""
    root = tmp_path / "site"
    make_site(root)
    build(root)
    path = root / "content" / STATS
    build_after(path, lambda text: text + "\n第一次补充。\n")
    rendered = []
    render = SiteRenderer.render_template
    monkeypatch.setattr(
        SiteRenderer, "render_template", lambda *args: rendered.append(args[1]) or render(*args)
    )
    result = build_after(path, lambda text: text + "\n第二次补充。\n")
    assert result.written == 1 and rendered == []
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_page_changed_by_hand_is_rendered_in_full_for_an_edit_of_its_text(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    build(root)
    path = root / "content" / STATS
    build_after(path, lambda text: text + "\n第一次补充。\n")
    page = next(
        p for p in (root / "output").rglob("*.html") if "第一次补充" in p.read_text("utf-8")
    )
    page.write_text(page.read_text("utf-8").replace("<title>", "<title>手改", 1), "utf-8")
    build_after(path, lambda text: text + "\n第二次补充。\n")
    assert "手改" not in page.read_text("utf-8")
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_theme_that_changes_the_body_gets_each_edit_rendered_in_full(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    template = (default_theme_dir() / "templates/document.html").read_text("utf-8")
    assert template.count("{{ body }}") == 1
    # The body as it is until the third edit: a frame would be noted, then used wrongly.
    own = template.replace("{{ body }}", "{{ body | replace('第3次', '第三次') }}")
    (root / "themes/default/templates").mkdir(parents=True)
    (root / "themes/default/templates/document.html").write_text(own, "utf-8")
    build(root)
    path = root / "content" / STATS
    for n in (1, 2, 3):
        build_after(path, lambda text, n=n: text + f"\n第{n}次补充。\n")
    pages = [p.read_text("utf-8") for p in (root / "output").rglob("*.html")]
    assert any("第三次补充" in text for text in pages)
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def build_after(path: Path, edit: Callable[[str], str]) -> BuildResult:
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return build(path.parents[4])


def test_a_one_document_build_stores_only_its_unit_again(tmp_path):
    """The cache of a large site is not written out whole after each small edit, the
    first edit after a full build (rendered by worker processes) included."""
    root = tmp_path / "site"
    make_site(root)
    build(root, jobs=2)
    units = root / buildstate.CACHE_DIR / "units"
    path = root / "content" / STATS

    def unit_files() -> set[str]:  # the units as parsed, not the memo of a unit's files
        return {name for name in os.listdir(units) if not name.endswith(".memo")}

    stored = [unit_files()]
    for line in ("第一次补充。", "第二次补充。"):
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
        build(root, jobs=2)
        stored.append(unit_files())
    assert all(len(files) == len(UNITS) for files in stored)
    assert [len(after - before) for before, after in itertools.pairwise(stored)] == [1, 1]
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


@pytest.mark.skipif(not can_fork(), reason="fork is not available here")
@pytest.mark.parametrize("failure", [None, "child", "fork"])
def test_inputs_stamped_by_a_forked_helper_are_recorded_as_stamped_here(
    tmp_path, monkeypatch, failure
):
    """With two jobs a large site's inputs are stamped in a forked child (Builder._survey,
    here for any size); the record must hold what stamping them here gives, and a
    child that fails, or cannot be forked, changes nothing."""
    monkeypatch.setattr(generator.build, "SURVEY_ASIDE", 0)
    root = tmp_path / "site"
    tree = make_site(root)
    build(root, jobs=2)
    if failure == "child":
        monkeypatch.setattr(buildstate, "changes_since_record", _fails)
    if failure == "fork":
        monkeypatch.setattr(generator.build, "ForkedCall", _fails)
    path = root / "content" / STATS
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    added = document("新增的公报", "11999900MB0000009X/2025-00099", "2025-03-01", "2025-03-02")
    tree.doc("统计信息", "新增", added, UNITS[1])
    result = build(root, jobs=2)
    assert not result.unchanged and result.written > 1
    stored = buildstate.read_stored(root.resolve(), root.resolve() / "output")
    assert stored is not None
    recorded = buildstate.read_inputs(root.resolve(), stored.inputs)
    assert recorded == buildstate.snapshot(root.resolve())
    cache = buildstate.cache_dir(root)
    assert [p.name for p in cache.glob("inputs-*")] == [stored.inputs]  # no stale snapshot
    assert build(root, jobs=2).unchanged
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def _fails(*_: object) -> None:
    raise OSError("盘点失败")


@pytest.mark.skipif(not can_fork(), reason="fork is not available here")
def test_builds_that_fail_again_and_again_leave_one_spare_snapshot_at_most(tmp_path, monkeypatch):
    """The stamping child stores a new snapshot before the build finds the error; a site
    rebuilt every minute with an error must not gather one file per run."""
    monkeypatch.setattr(generator.build, "SURVEY_ASIDE", 0)
    root = tmp_path / "site"
    make_site(root)
    build(root, jobs=2)
    path = root / "content" / STATS
    good = path.read_text(encoding="utf-8")
    for step in range(3):
        path.write_text(good.replace("---\n", f"---\n标题: [第{step}次\n", 1), encoding="utf-8")
        with pytest.raises(BuildError):
            build(root, jobs=2)
        assert len(list(buildstate.cache_dir(root).glob("inputs-*"))) <= 2
    path.write_text(good + "\n补充一句。\n", encoding="utf-8")
    assert not build(root, jobs=2).unchanged
    assert len(list(buildstate.cache_dir(root).glob("inputs-*"))) == 1
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_restoring_the_cache_leaves_the_garbage_collector_running(tmp_path):
    """The collector is paused while the units are read back; a long-running
    ``build --watch`` that restored its engine must still free what it drops."""
    root = tmp_path / "site"
    make_site(root)
    build(root)
    folder = root / "output"
    stored = buildstate.read_stored(root, folder)
    assert gc.isenabled()
    assert buildcache.restore(root, folder, 1, stored, search=False) is not None
    assert gc.isenabled()


def test_same_size_edit_within_one_clock_tick_is_still_seen(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    path = root / "content" / STATS
    build(root)
    stamp = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("春耕", "秋收", 1), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same size, same time
    assert not build(root).unchanged
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_content_error_after_a_good_build_leaves_output_and_cache_as_they_were(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    build(root)
    before = site_bytes(root / "output")
    path = root / "content" / STATS
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("标题: ", "标题: [", 1), encoding="utf-8")
    with pytest.raises(BuildError):
        build(root)
    assert site_bytes(root / "output") == before
    path.write_text(good + "\n改正后的补充。\n", encoding="utf-8")
    assert not build(root).unchanged
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_build_stopped_after_writing_and_before_storing_is_not_trusted(tmp_path, monkeypatch):
    """Killed between writing pages and storing the cache, then the edit undone: the
    old record still knows the undone text, so without being dropped first it would
    take the page written by the stopped build for up to date."""
    root = tmp_path / "site"
    make_site(root)
    build(root)
    path = root / "content" / STATS
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\n一句后来撤回的话。\n", encoding="utf-8")

    monkeypatch.setattr(buildcache, "save", _stopped)
    with pytest.raises(KeyboardInterrupt):
        build(root)
    monkeypatch.undo()
    path.write_text(good, encoding="utf-8")
    build(root)
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_units_stored_while_a_stopped_cold_build_wrote_are_not_left_behind(tmp_path, monkeypatch):
    """A cold build stores its units while its workers write the pages; stopped before
    storing the rest, it leaves no record, and the next build neither trusts nor keeps
    those unit files."""
    root = tmp_path / "site"
    make_site(root)
    monkeypatch.setattr(buildcache, "save", _stopped)
    with pytest.raises(KeyboardInterrupt):
        build(root, jobs=2)
    monkeypatch.undo()
    units = root / buildstate.CACHE_DIR / "units"
    assert len(os.listdir(units)) == len(UNITS)  # stored while the pages were written
    assert buildstate.read_stored(root, root / "output") is None
    assert build(root, jobs=2).full
    assert len(os.listdir(units)) == len(UNITS)
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def _stopped(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "damage", ["garbage", "other-shape", "missing-output-file", "deleted-output"]
)
# 1: stamped here; 2: the inputs stamped in a forked child.
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_damaged_cache_or_output_means_a_full_build(tmp_path, monkeypatch, damage, jobs):
    monkeypatch.setattr(generator.build, "SURVEY_ASIDE", 0)  # for any size of site
    root = tmp_path / "site"
    make_site(root)
    build(root, jobs=jobs)
    record = root / buildstate.CACHE_DIR / "state.pickle"
    if damage == "garbage":
        record.write_bytes(b"not a pickle")
    elif damage == "other-shape":  # e.g. written by a build of other code in between
        key = buildstate.code_key()
        record.write_bytes(pickle.dumps({"key": key, "folder": str(root / "output")}))
    elif damage == "missing-output-file":
        next((root / "output").rglob("index.html")).unlink()
    else:
        shutil.rmtree(root / "output")
    result = build(root, jobs=jobs)
    assert result.full
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_units_builds_only_the_named_units_and_keeps_the_others(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    build(root)
    for unit in UNITS:
        path = root / "content" / unit / "法定主动公开内容/统计信息/公报.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{unit}的补充。\n", encoding="utf-8")
    result = build(root, units={UNITS[0]})
    assert not result.full
    pages = "".join(p.read_text(encoding="utf-8") for p in (root / "output").rglob("index.html"))
    assert f"{UNITS[0]}的补充" in pages and f"{UNITS[1]}的补充" not in pages
    # A later plain build brings the other unit up to date as well.
    assert not build(root).unchanged
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_search_index_is_made_again_after_an_edit_and_kept_when_nothing_changed(tmp_path):
    root = tmp_path / "site"
    make_site(root)
    build(root, search=True)
    entry = root / "output" / BUNDLE / "0/pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    assert build(root, search=True).unchanged
    assert entry.stat().st_mtime_ns == first
    path = root / "content" / STATS
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段说明。\n", encoding="utf-8")
    build(root, search=True)
    assert entry.stat().st_mtime_ns != first
    # A quick build without the index, then a normal one, which makes it again.
    shutil.rmtree(root / "output" / BUNDLE)
    assert not build(root, search=True).unchanged
    assert entry.is_file()


def edit_sequences(max_size: int) -> st.SearchStrategy:
    """Sequences of (edit, unit) for :func:`edit_as_an_editor`."""
    edit = st.tuples(st.sampled_from((*EDITS, "rename", "cross-link")), st.sampled_from(UNITS))
    return st.lists(edit, min_size=1, max_size=max_size)


def edit_as_an_editor(
    tree, edit: str, unit: str, step: int, build_now: Callable[[], object]
) -> list[Path]:
    """Make one edit as an editor would and return the paths a watcher reports;
    "break-and-fix" breaks a file, expects ``build_now`` to refuse it, then fixes it."""
    folder = tree.root / "content" / unit / "法定主动公开内容/统计信息"
    if edit == "break-and-fix":
        path = folder / "公报.md"
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("标题: ", "标题: [", 1), encoding="utf-8")
        with pytest.raises(BuildError):
            build_now()
        path.write_text(good + f"\n修复{step}。\n", encoding="utf-8")
        return [path]
    if edit == "cross-link":  # a body that links to a page of the other unit
        other = next(u for u in UNITS if u != unit)
        path = folder / "公报.md"
        link = f"[参见{step}](../../../{other}/法定主动公开内容/行政规范性文件/办法.md)"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{link}\n", encoding="utf-8")
        return [path]
    if edit == "rename":
        moved = []
        for old in sorted(folder.glob("新增*.md"))[:1]:
            moved = [old, folder / f"改名{step}.md"]
            old.rename(moved[1])
        return moved
    return apply(tree, edit, unit, step)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edit_sequences(max_size=5))
# A body linking to the other unit's page, edited again (its unit rebuilt alone, the link
# resolved through the other unit's file), then the page it links to renamed.
@example(edits=[("cross-link", UNITS[0]), ("body", UNITS[0]), ("title", UNITS[1])])
def test_cached_builds_after_any_edits_equal_a_clean_build(edits):
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        root = temp / "site"
        tree = make_site(root)
        build(root)
        for step, (edit, unit) in enumerate(edits):
            edit_as_an_editor(tree, edit, unit, step, lambda: build(root))
            build(root)
        assert site_bytes(root / "output") == clean_copy_bytes(root, temp)


def test_a_rebuild_renders_the_body_of_the_changed_document_only(tmp_path, monkeypatch):
    """Bodies with no link or image follow from their text: the pages around an edit are
    fingerprinted without making their bodies (SiteRenderer.page's ``late``)."""
    root = tmp_path / "site"
    make_site(root)
    build(root, jobs=1)
    rendered: list[str] = []
    plain_render = MarkupRenderer.render

    def counting(self, text, source, page_url):
        rendered.append(source.name)
        return plain_render(self, text, source, page_url)

    monkeypatch.setattr(MarkupRenderer, "render", counting)
    path = root / "content" / STATS
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    result = build(root, jobs=1)
    assert not result.unchanged
    # The unit's guide and rules (a few a unit) are still made with their pages' keys.
    documents = {"办法.md", "办法解读.md", path.name}
    assert [name for name in rendered if name in documents] == [path.name]
    assert "补充一句" in "".join(
        p.read_text(encoding="utf-8") for p in (root / "output").rglob("index.html")
    )
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_build_that_finds_nothing_changed_loads_no_pipeline(tmp_path):
    """Such a build only stamps the inputs and reads the record (0.1 s for a small site):
    no Jinja, no Markdown, no checker, even with cores to fork a helper on."""
    root = tmp_path / "site"
    make_site(root)
    build(root)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.build import build\n"
        f"result = build(Path({str(root)!r}), jobs=2, search=False)\n"
        "print(result.unchanged, sorted(m for m in ('jinja2', 'markdown', 'generator.check')"
        " if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.strip() == "True []"


def _count_unit_files(monkeypatch) -> list[str]:
    """The names of the unit files the build cache opens from now on."""
    opened: list[str] = []
    plain_open = buildcache._open_unit

    def counting(directory, name):
        opened.append(name)
        return plain_open(directory, name)

    monkeypatch.setattr(buildcache, "_open_unit", counting)
    return opened


def _unit_file(root: Path, unit: str) -> str:
    """The name of a unit's file in the build cache, as the last build stored it."""
    data = buildstate.load_pickle(root / buildstate.CACHE_DIR / "engine.pickle")
    return data["units"][unit].name


def test_an_edit_of_a_documents_text_loads_only_its_unit_from_the_cache(tmp_path, monkeypatch):
    """The rest of the site sees nothing of a body: its unit is rebuilt alone, with the
    other units' warnings; a link into another unit opens that unit's file to resolve."""
    root = tmp_path / "site"
    tree = make_site(root)
    late = document("迟发的通知", "11999900MB0000009X/2024-00077", "2024-01-02", "2024-06-03")
    tree.doc("统计信息", "迟发", late, UNITS[1])
    first = build(root, jobs=1)
    assert first.problems.warnings
    opened = _count_unit_files(monkeypatch)
    path = root / "content" / STATS
    link = f"[另见](../../../{UNITS[1]}/法定主动公开内容/统计信息/迟发.md)"
    for addition in ("补充一句。", f"另补一句，{link}。"):
        names = [_unit_file(root, unit) for unit in UNITS]
        opened.clear()
        path.write_text(path.read_text(encoding="utf-8") + f"\n{addition}\n", encoding="utf-8")
        result = build(root, jobs=1)
        assert not result.unchanged and not result.full
        assert opened == (names if "另见" in addition else names[:1])
        assert (result.units, result.documents) == (first.units, first.documents)
        assert sorted(map(str, result.problems.items)) == sorted(map(str, first.problems.items))
    pages = "".join(p.read_text(encoding="utf-8") for p in (root / "output").rglob("index.html"))
    assert "补充一句" in pages and "另补一句" in pages
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_list_page_that_shows_bodies_sees_an_edit_rebuilt_alone(tmp_path):
    """A unit rebuilt alone fingerprints again only the pages given an edited document;
    a site's theme may show on a list page what the default one keeps to the document's
    own page, and that page must change with the body too."""
    root = tmp_path / "site"
    make_site(root)
    template = (default_theme_dir() / "templates" / "category.html").read_text(encoding="utf-8")
    shown = "{% for doc in documents %}<p>正文 {{ doc.body|length }} 字</p>{% endfor %}\n"
    own = root / "themes" / "default" / "templates" / "category.html"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(template.replace("{% endblock %}", shown + "{% endblock %}"), encoding="utf-8")
    build(root, jobs=1)
    path = root / "content" / STATS
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    result = build(root, jobs=1)
    assert not result.full and result.pages >= 3  # the document's page and the lists
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


@pytest.mark.parametrize("edit", ["title", "interpretation-target", "add"])
def test_an_edit_seen_beyond_its_unit_loads_every_unit(tmp_path, monkeypatch, edit):
    root = tmp_path / "site"
    tree = make_site(root)
    build(root, jobs=1)
    opened = _count_unit_files(monkeypatch)
    apply(tree, edit, UNITS[0], 1)
    result = build(root, jobs=1)
    assert not result.unchanged
    assert len(set(opened)) == len(UNITS)
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_unit_rebuilt_alone_still_allows_the_other_units_phone_numbers(tmp_path):
    """The privacy rule allows every unit's published 联系电话 anywhere on the site; a
    body that gives another unit's number is no finding when its unit is rebuilt alone."""
    root = tmp_path / "site"
    make_site(root)
    other = root / "content" / UNITS[1] / "_unit.yaml"
    other.write_text(
        other.read_text(encoding="utf-8").replace("0123-5550001", "13900001111"),
        encoding="utf-8",
    )
    path = root / "content" / STATS
    path.write_text(
        path.read_text(encoding="utf-8") + f"\n咨询请致电{UNITS[1]}：13900001111。\n",
        encoding="utf-8",
    )
    first = build(root, jobs=1)
    assert not [p for p in first.problems.items if p.rule == "privacy.personal-numbers"]
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    result = build(root, jobs=1)
    assert not result.full and not result.unchanged
    assert sorted(map(str, result.problems.items)) == sorted(map(str, first.problems.items))


def test_a_unit_rebuilt_alone_again_parses_only_its_changed_files(tmp_path, monkeypatch):
    """After an edit rebuilt within its unit, the cache keeps the unit's files as parsed
    and scanned: the next edit there reads only the changed file. Any other way of
    rebuilding the unit drops that memo."""
    import generator.content

    root = tmp_path / "site"
    tree = make_site(root)
    build(root, jobs=1)
    parsed: list[str] = []
    plain_load = generator.content.load_markdown

    def counting(path, problems):
        parsed.append(path.name)
        return plain_load(path, problems)

    monkeypatch.setattr(generator.content, "load_markdown", counting)
    path = root / "content" / STATS
    for step, expected in enumerate(["many", ["公报.md"], ["公报.md"]]):
        parsed.clear()
        path.write_text(path.read_text(encoding="utf-8") + f"\n第{step}句。\n", encoding="utf-8")
        assert not build(root, jobs=1).full
        assert parsed == expected if expected != "many" else len(parsed) > 3
    apply(tree, "title", UNITS[0], 9)  # seen beyond the unit: the whole-site path
    build(root, jobs=1)
    parsed.clear()
    path.write_text(path.read_text(encoding="utf-8") + "\n再补一句。\n", encoding="utf-8")
    build(root, jobs=1)
    assert len(parsed) > 3  # the memo went with the whole-site rebuild
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


def test_a_unit_rebuilt_alone_reports_the_other_units_warnings_in_their_order(tmp_path):
    """Warnings found reading the units left on the shelf come in the units' stored
    order, the same from one build to the next (not in a set's order, which changes
    with each process's string hashing)."""
    root = tmp_path / "site"
    tree = make_site(root)
    for number in range(6):
        folder = f"测试县第{number}局"
        tree.unit(
            folder, UNIT_YAML.replace("测试县人民政府", folder).replace("层级: 政府", "层级: 部门")
        )
        body = f"第{number}局的通知\v正文。"  # a vertical tab: a warning found while reading
        index = f"11999900MB0000009X/2025-{number + 50:05d}"
        tree.doc("统计信息", "公报", document(f"{folder}统计公报", index, body=body), folder)
    first = build(root, jobs=1)
    reading = [p.path for p in first.problems.items if "U+000B" in p.message]
    assert len(set(reading)) == 6
    path = root / "content" / STATS
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    result = build(root, jobs=1)
    assert not result.full and not result.unchanged
    assert [p.path for p in result.problems.items if "U+000B" in p.message] == reading
