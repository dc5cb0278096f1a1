"""The build record's snapshot: stamping again only the paths a watcher reported."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import buildstate

UNIT = "content/测试县人民政府"
CATEGORY = f"{UNIT}/法定主动公开内容/政策解读"


def _edit(root: Path) -> list[Path]:
    path = root / CATEGORY / "春耕通知解读.md"
    path.write_text(path.read_text(encoding="utf-8") + "补充一句。\n", encoding="utf-8")
    return [path]


def _add(root: Path) -> list[Path]:
    path = root / CATEGORY / "新文件.md"
    path.write_text("---\n标题: 新文件\n---\n正文\n", encoding="utf-8")
    return [path]


def _delete(root: Path) -> list[Path]:
    path = root / f"{UNIT}/法定主动公开内容/行政规范性文件/旧办法.md"
    path.unlink()
    return [path]


def _rename_folder(root: Path) -> list[Path]:
    old, new = root / CATEGORY, root / f"{UNIT}/法定主动公开内容/解读"
    old.rename(new)
    return [old, new]


def _remove_folder(root: Path) -> list[Path]:
    folder = root / CATEGORY
    shutil.rmtree(folder)
    return [folder]


def _temporary_file(root: Path) -> list[Path]:
    """An editor's swap file, made and gone before the batch is taken."""
    return [root / CATEGORY / "4913"]


@pytest.mark.parametrize(
    "change", [_edit, _add, _delete, _rename_folder, _remove_folder, _temporary_file]
)
def test_restamping_the_reported_paths_finds_what_a_new_snapshot_finds(small_site, change):
    root = small_site.root.resolve()
    before = buildstate.snapshot(root)
    told = change(root)
    stamps, changed = buildstate.restamp(before, told)
    after = buildstate.snapshot(root)
    assert changed == buildstate.changed_files(before, after)
    assert stamps.keys() == after.keys()
    assert bool(changed) == (change is not _temporary_file)


def test_a_change_not_reported_is_left_for_the_next_snapshot(small_site):
    root = small_site.root.resolve()
    before = buildstate.snapshot(root)
    missed = _edit(root)
    stamps, changed = buildstate.restamp(before, _add(root))
    assert missed[0] not in changed
    assert missed[0] in buildstate.changed_files(stamps, buildstate.snapshot(root))


@pytest.mark.parametrize("change", [_edit, _add, _delete, _rename_folder, _remove_folder])
def test_changes_rebuild_the_later_snapshot_and_name_the_changed_files(small_site, change):
    """What a forked helper sends instead of its whole snapshot (Builder._survey)."""
    root = small_site.root.resolve()
    before = buildstate.snapshot(root)
    change(root)
    after = buildstate.snapshot(root)
    changes = buildstate.compare(before, after)
    later = {**before, **changes.updated}
    assert {path: later[path] for path in later.keys() - set(changes.removed)} == after
    moved = before.keys() ^ after.keys()
    edited = {path for path in before.keys() & after.keys() if before[path] != after[path]}
    assert {str(path) for path in changes.changed_paths()} == moved | edited != set()


def test_a_stamp_that_lost_its_digest_is_updated_but_not_changed(tmp_path):
    """A file stamped while it was recent carries a digest of its content; stamped again
    later without one, it is the same file."""
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "通知.md"
    path.write_text("正文\n", encoding="utf-8")
    old = path.stat().st_mtime_ns - 10 * 10**9
    os.utime(path, ns=(old, old))
    now = buildstate.snapshot(tmp_path)
    before = {**now, str(path): (*now[str(path)], buildstate._digest(str(path)))}
    changes = buildstate.compare(before, now)
    assert changes.updated == {str(path): now[str(path)]} and changes.changed == []
    path.write_text("正文有改\n", encoding="utf-8")
    os.utime(path, ns=(old, old))  # same time stamp, other size
    assert buildstate.compare(before, buildstate.snapshot(tmp_path)).changed == [str(path)]
