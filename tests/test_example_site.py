"""The example site in content/ (the fictional 示例县) builds, links and checks clean."""

import shutil
from pathlib import Path

import pytest
from test_build import assert_all_links_resolve

from generator.build import build, load
from generator.check import check_site
from generator.errors import Problems
from generator.render import FragmentCache

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("example")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def test_example_site_checks_clean(example):
    problems = Problems()
    config, site = load(example, problems)
    check_site(site, config, problems)
    assert [p.format(example) for p in problems.items] == []
    levels = [unit.level for unit in site.units]
    assert levels.count("政府") >= 1 and levels.count("部门") >= 3 and levels.count("乡镇") >= 2
    documents = site.documents
    assert len(documents) >= 60
    assert sum(d.validity != "有效" for d in documents) >= 3
    assert sum(bool(d.interpretations) for d in documents) >= 3
    assert all(unit.guide and unit.rules for unit in site.units)


def test_example_site_builds_and_every_link_resolves(example):
    result = build(example)
    out = result.output_dir
    assert result.pages > 200
    assert assert_all_links_resolve(out) > 3000
    _, site = load(example, Problems())
    for unit in site.units:
        for url in unit.part_urls.values():
            assert (out / url / "index.html").is_file()
        for report in unit.reports:
            assert (out / report.url / "index.html").is_file()


@pytest.mark.parametrize("traditional", [False, True])
def test_parts_rendered_once_come_out_as_on_each_page_alone(tmp_path, monkeypatch, traditional):
    """The header and unit navigation a theme marks ``cached`` are rendered once for all
    pages with the same key; every page of the example site (with its 繁體 copy and
    switch link, too) is byte for byte the page rendered whole."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    settings = (REPO / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(
        settings + ("traditional: true\n" if traditional else ""), encoding="utf-8"
    )

    def built() -> dict[Path, bytes]:
        out = build(root, jobs=1, clean=True, search=False).output_dir
        return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    shared = built()
    monkeypatch.setattr(FragmentCache, "__call__", lambda self, *key, caller: caller())
    alone = built()
    assert shared.keys() == alone.keys()
    assert [path for path in shared if shared[path] != alone[path]] == []
    assert any(path.parts[0] == "zh-hant" for path in shared) == traditional
