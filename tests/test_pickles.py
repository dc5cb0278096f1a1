"""Loaded content pickles and loads back the same, its paths included."""

import pickle
from pathlib import Path, PurePosixPath

from generator.pickles import dumps
from generator.source import LineDict


def test_paths_load_back_equal_and_of_the_same_kind(tmp_path: Path) -> None:
    meta = LineDict()
    meta["标题"] = "甲"
    meta.lines["标题"] = 2
    value = {
        "paths": [
            *(tmp_path / "机关" / "文件.md", tmp_path, Path("/"), Path("."), Path("a/b.md")),
            *(Path("b.md"), Path("/c.md"), Path("../d.md")),
        ],
        "pure": PurePosixPath("a/b"),
        "meta": meta,
    }
    loaded = pickle.loads(dumps(value))
    assert loaded["paths"] == value["paths"]
    assert [type(p) for p in loaded["paths"]] == [type(p) for p in value["paths"]]
    assert [str(p) for p in loaded["paths"]] == [str(p) for p in value["paths"]]
    assert {*loaded["paths"], *value["paths"]} == set(value["paths"])
    assert type(loaded["pure"]) is PurePosixPath and loaded["pure"] == value["pure"]
    assert loaded["meta"] == meta and loaded["meta"].lines == {"标题": 2}
