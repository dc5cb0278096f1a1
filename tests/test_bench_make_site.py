"""The synthetic benchmark site: as many documents as asked for, reproducible, and clean."""

import hashlib
import sys
from pathlib import Path

import pytest

from generator.build import load
from generator.check import check_site
from generator.errors import Problems

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(REPO))

from bench.make_site import make_site  # noqa: E402

DOCUMENTS = 200


def fingerprint(root: Path) -> dict[str, str]:
    """Every file under root by relative path, with a hash of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "site"
    make_site(root, DOCUMENTS, seed=1)
    return root


@pytest.fixture(scope="module")
def loaded(site):
    """The site as the generator reads it, and what reading it reported."""
    problems = Problems()
    config, model = load(site, problems)
    return config, model, problems


def test_exactly_the_requested_number_of_documents(site, loaded):
    _, model, _ = loaded
    assert len(model.documents) == DOCUMENTS
    assert len(list(site.glob("content/*/法定主动公开内容/*/*.md"))) == DOCUMENTS
    assert sorted(unit.level for unit in model.units) == ["乡镇", "政府", "部门"]


def test_same_seed_same_bytes_whatever_the_processes_and_other_seed_differs(site, tmp_path):
    again = tmp_path / "again"
    make_site(again, DOCUMENTS, seed=1, jobs=2)
    assert fingerprint(again) == fingerprint(site)
    other = tmp_path / "other"
    make_site(other, DOCUMENTS, seed=2)
    assert fingerprint(other) != fingerprint(site)


def test_checker_reports_nothing(site, loaded):
    config, model, problems = loaded
    check_site(model, config, problems)
    assert [p.format(site) for p in problems.items] == []


def test_bodies_have_the_promised_shape(loaded):
    documents = loaded[1].documents
    assert all(800 <= len(d.body) <= 3000 for d in documents)
    assert any(d.attachments for d in documents)
    assert any(d.interpretations for d in documents)
    assert any(d.validity == "废止" and d.repeal_date for d in documents)
    assert any("\n|---" in d.body for d in documents)
