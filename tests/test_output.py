"""Writing output/: whole or not at all, and never outside it."""

import pytest

from generator.errors import OutputError
from generator.output import SyncState, sync_site, write_site
from generator.render import OutputFile


def test_a_site_is_written_whole_in_its_folders(tmp_path):
    source = tmp_path / "附件.pdf"
    source.write_bytes(b"%PDF-1.7")
    files = [
        OutputFile("index.html", data="<p>首页</p>".encode()),
        OutputFile("szfb/fdzdgknr/index.html", data=b"<p>1</p>"),
        OutputFile("szfb/fdzdgknr/md.csv", data=b"a,b\n"),
        OutputFile("szfb/./fdzdgknr//fj.pdf", source=source),
    ]
    out = tmp_path / "output"
    stats = write_site([lambda: files[:2], lambda: files[2:]], out, jobs=2)
    assert (stats.pages, stats.files) == (2, 4)
    assert (out / "szfb/fdzdgknr/md.csv").read_bytes() == b"a,b\n"
    assert (out / "szfb/fdzdgknr/fj.pdf").read_bytes() == b"%PDF-1.7"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "附件.pdf"]


@pytest.mark.parametrize("path", ["../evil.html", "/tmp/evil.html", "a/../../evil.html", "", "./"])
def test_a_path_outside_the_output_folder_is_refused_and_nothing_changes(tmp_path, path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_text("旧页面", encoding="utf-8")
    good = OutputFile("szfb/index.html", data=b"new")
    with pytest.raises(OutputError, match="不在输出文件夹内"):
        write_site([lambda: [good, OutputFile(path, data=b"x")]], out)
    with pytest.raises(OutputError, match="不在输出文件夹内"):
        sync_site([good, OutputFile(path, data=b"x")], out, SyncState())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "旧页面"
