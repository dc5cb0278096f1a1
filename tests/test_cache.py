"""The memo of per-file work: reused while a file is unchanged, and split by folder."""

from pathlib import Path

from generator.cache import FileCache
from generator.errors import Problems


def _parse(path: Path, _: Problems) -> str:
    return path.read_text(encoding="utf-8")


def test_an_entry_is_reused_until_its_file_changes(tmp_path):
    path = tmp_path / "通知.md"
    path.write_text("正文\n", encoding="utf-8")
    cache, calls = FileCache(), []

    def counting(file: Path, problems: Problems) -> str:
        calls.append(file)
        return _parse(file, problems)

    assert cache.get("parse", path, counting, Problems()) == "正文\n"
    assert cache.get("parse", path, counting, Problems()) == "正文\n"
    path.write_text("正文有改动\n", encoding="utf-8")
    assert cache.get("parse", path, counting, Problems()) == "正文有改动\n"
    assert len(calls) == 2


def test_within_keeps_the_entries_of_one_folder_only(tmp_path):
    """A unit's folder, not its neighbour whose name starts the same (单位 and 单位二)."""
    cache = FileCache()
    files = {
        "单位/a.md": True,
        "单位/栏目/b.md": True,
        "单位二/c.md": False,
        "其他/单位/d.md": False,
    }
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name, encoding="utf-8")
        cache.get("parse", path, _parse, Problems())
    part = cache.within(tmp_path / "单位")
    calls = []

    def counting(file: Path, problems: Problems) -> str:
        calls.append(file.relative_to(tmp_path).as_posix())
        return _parse(file, problems)

    for name in files:
        part.get("parse", tmp_path / name, counting, Problems())
    assert sorted(calls) == sorted(name for name, kept in files.items() if not kept)
