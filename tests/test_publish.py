"""``zfxxgk publish`` / ``zfxxgk verify``: atomic releases, rollback, faults, and the
documented nginx server block serving a published site to a reader and to Chromium."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import document

from generator import publish
from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
DOC = "content/测试县人民政府/法定主动公开内容/行政规范性文件/春耕通知.md"
DOC_PAGE = "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/index.html"


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def live(target: Path) -> str:
    """The release ``current`` points at."""
    return os.readlink(target / "current").removeprefix("releases/")


def releases(target: Path) -> list[str]:
    return sorted(p.name for p in (target / "releases").iterdir())


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit(site, text: str) -> None:
    """Rewrite the one sentence of the test document (``text`` is 现将…通知如下)."""
    path = site.root / DOC
    source = path.read_text(encoding="utf-8")
    path.write_text(re.sub("现将[^。\n]*通知如下", text, source), encoding="utf-8")


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "www"
    folder.mkdir()
    return folder


# -- publish, dry-run, keep, rollback, verify ------------------------------------------------


def test_publish_switches_current_and_reuses_unchanged_files(small_site, target, capsys):
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 0
    first = live(target)
    assert "已发布版本" in capsys.readouterr().out
    assert tree_bytes(target / "current") == tree_bytes(small_site.root / "output")
    assert (target / "releases" / f"{first}.json").is_file()  # beside, not inside, the web root
    assert not list((target / "current").glob(".*"))

    edit(small_site, "现将修改后的事项通知如下")
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 0
    second = live(target)
    assert second > first
    assert "现将修改后的事项通知如下" in (target / "current" / DOC_PAGE).read_text("utf-8")
    assert "现将修改后的" not in (target / "releases" / first / DOC_PAGE).read_text("utf-8")
    # Unchanged files are hard links into the previous release: they cost no space.
    style = "assets/style.css"
    assert (target / "releases" / first / style).stat().st_ino == (
        target / "current" / style
    ).stat().st_ino
    assert (target / "current" / DOC_PAGE).stat().st_nlink == 1
    assert re.search(r"新增 0 个、修改 [1-9]\d* 个、删除 0 个文件", capsys.readouterr().out)


def test_dry_run_lists_changes_and_leaves_the_target_alone(small_site, target, capsys):
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 0
    before = releases(target)
    capsys.readouterr()
    edit(small_site, "现将修改后的事项通知如下")
    (small_site.root / "content/测试县人民政府/法定主动公开内容/行政规范性文件/旧办法.md").unlink()
    small_site.doc("政策解读", "新解读", document("新解读", "11999900MB0000009X/2025-00009"))
    assert main(["-C", str(small_site.root), "publish", "--dry-run", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"修改\t{DOC_PAGE}" in out
    assert "删除\tzfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/index.html" in out
    assert "新增\tzfxxgk/csxrmzf/fdzdgknr/zcjd/xjd/index.html" in out
    assert "试运行（未发布）" in out
    assert releases(target) == before


def test_keep_prunes_old_releases_and_rollback_switches_back(small_site, target, capsys):
    ids = []
    for n in range(4):
        edit(small_site, f"现将第{n}版事项通知如下")
        assert main(["-C", str(small_site.root), "publish", "--keep", "3", str(target)]) == 0
        ids.append(live(target))
    assert releases(target) == sorted([i for i in ids[1:]] + [i + ".json" for i in ids[1:]]), (
        "the oldest release and its manifest are removed"
    )
    assert main(["-C", str(small_site.root), "publish", "--rollback", str(target)]) == 0
    assert live(target) == ids[2]
    assert "第2版" in (target / "current" / DOC_PAGE).read_text("utf-8")
    assert main(["-C", str(small_site.root), "publish", "--rollback", str(target)]) == 0
    assert live(target) == ids[1]
    assert main(["-C", str(small_site.root), "publish", "--rollback", str(target)]) == 1
    assert "没有比当前版本" in capsys.readouterr().err
    assert live(target) == ids[1]


def test_verify_finds_a_defaced_page_missing_and_unexpected_files(small_site, target, capsys):
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 0
    assert main(["verify", str(target)]) == 0
    assert "核对通过" in capsys.readouterr().out

    page = target / "current" / DOC_PAGE
    page.write_text(page.read_text("utf-8").replace("春耕", "黑客"), encoding="utf-8")
    (target / "current" / "404.html").unlink()
    (target / "current" / "zfxxgk" / "shell.php").write_text("<?php ?>")
    assert main(["verify", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"被修改：{DOC_PAGE}" in err
    assert "缺失：404.html" in err
    assert "清单外的文件：zfxxgk/shell.php" in err
    assert "核对未通过" in err

    # Publishing again repairs it: the defaced file is not reused as a hard link.
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 0
    assert main(["verify", str(target)]) == 0


def test_verify_before_any_publish(target, capsys):
    assert main(["verify", str(target)]) == 1
    assert "尚未发布过网站" in capsys.readouterr().err


# -- faults: nothing half-done, current untouched ------------------------------------------


def test_content_errors_refuse_to_publish(small_site, target):
    assert run("publish", str(target), cwd=small_site.root).returncode == 0
    before = live(target)
    small_site.doc("行政规范性文件", "坏日期", document(written="2025-13-01"))
    result = run("publish", str(target), cwd=small_site.root)
    assert result.returncode == 1
    assert "坏日期.md:5: 错误" in result.stderr
    assert "未发布：服务器上的网站未改变" in result.stderr
    assert live(target) == before and len(releases(target)) == 2


def test_missing_target_and_a_file_as_target(small_site, tmp_path):
    result = run("publish", str(tmp_path / "nowhere"), cwd=small_site.root)
    assert result.returncode == 1
    assert "不存在" in result.stderr and "Traceback" not in result.stderr
    assert not (small_site.root / "output").exists(), "refused before building"
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = run("publish", str(afile), cwd=small_site.root)
    assert result.returncode == 1 and "不是文件夹" in result.stderr


def test_target_that_cannot_be_written(small_site, target):
    if os.geteuid() == 0:  # root may write anywhere: make the folder immutable instead
        if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode:
            pytest.skip("chattr +i is not supported on this file system")
    else:
        target.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run("publish", str(target), cwd=small_site.root)
    finally:
        subprocess.run(["chattr", "-i", str(target)], capture_output=True)
        target.chmod(0o755)
    assert result.returncode == 1
    assert "无法写入" in result.stderr and "Traceback" not in result.stderr
    assert list(target.iterdir()) == []


def test_full_disk_leaves_current_and_removes_the_partial_release(
    small_site, target, monkeypatch, capsys
):
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 0
    before, files = live(target), tree_bytes(target / "current")

    real_rsync = publish.run_rsync

    def full(argv):
        real_rsync(argv)  # part of the release is written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish, "run_rsync", full)
    edit(small_site, "现将修改后的事项通知如下")
    capsys.readouterr()
    assert main(["-C", str(small_site.root), "publish", str(target)]) == 1
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err
    assert f"仍指向 releases/{before}" in err
    assert live(target) == before
    assert tree_bytes(target / "current") == files
    assert releases(target) == [before, before + ".json"]


def test_full_disk_for_real_on_a_small_tmpfs(small_site, tmp_path):
    """A 1 MiB tmpfs in a private mount namespace: the first release fits, the second
    (with a 2 MB theme file) does not; rsync's ENOSPC becomes the Chinese message."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to mount a small tmpfs")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(2_000_000))
    static = small_site.root / "themes/default/static"
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
        mount -t tmpfs -o size=1m tmpfs {disk} || exit 99
        mkdir {disk}/www
        {sys.executable} -m generator publish {disk}/www >/dev/null && echo first-ok
        before=$(readlink {disk}/www/current)
        mkdir -p {static} && cp {big} {static}/big.bin
        {sys.executable} -m generator publish {disk}/www 2>&1 >/dev/null || echo second-failed
        [ "$(readlink {disk}/www/current)" = "$before" ] && echo current-unchanged
        ls -A {disk}/www/releases
        {sys.executable} -m generator verify {disk}/www >/dev/null && echo verified
    """
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=small_site.root, capture_output=True, text=True
    )
    if result.returncode == 99:
        pytest.skip("mounting tmpfs is not permitted here")
    out = result.stdout
    assert "first-ok" in out, result
    assert "second-failed" in out and "磁盘空间已满" in out and "仍指向" in out, out
    assert "current-unchanged" in out and "verified" in out, out
    assert ".partial" not in out, "the partial release is removed"


def _start_slow_publish(site: Path, target: Path) -> subprocess.Popen:
    # --bwlimit makes the transfer take seconds, so the test can interrupt it midway.
    env = {**os.environ, "ZFXXGK_RSYNC_OPTIONS": "--bwlimit=20"}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "publish", str(target)],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl+C would hit
    )


def _wait_for_partial(target: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not list((target / "releases").glob("*.partial/*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no partial release appeared"
        time.sleep(0.02)
    time.sleep(0.3)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_publish_leaves_the_old_release_live(small_site, target, sig):
    big = small_site.root / "content/测试县人民政府/法定主动公开内容/行政规范性文件/附件/名单.csv"
    assert run("publish", str(target), cwd=small_site.root).returncode == 0
    before, files = live(target), tree_bytes(target / "current")

    big.write_text("序号,名称\n" + "".join(f"{i},示例{i}\n" for i in range(40_000)), "utf-8")
    process = _start_slow_publish(small_site.root, target)
    _wait_for_partial(target, process)
    os.killpg(process.pid, sig)
    _, err = process.communicate(timeout=30)

    assert process.returncode != 0
    assert live(target) == before
    assert tree_bytes(target / "current") == files
    assert run("verify", str(target), cwd=small_site.root).returncode == 0
    if sig == signal.SIGINT:
        assert "已中断：发布未完成" in err and "网站未改变" in err
        assert "Traceback" not in err
        assert releases(target) == [before, before + ".json"], "partial release removed"
    else:  # nothing could clean up: the next publish does, and succeeds
        assert any(name.endswith(".partial") for name in releases(target))
        assert run("publish", str(target), cwd=small_site.root).returncode == 0
        assert not any(name.endswith(".partial") for name in releases(target))
        assert live(target) != before


# -- remote targets -----------------------------------------------------------------------


def test_parse_target():
    remote = publish.parse_target("deploy@www.example.gov.cn:/srv/zfxxgk")
    assert (remote.host, remote.path) == ("deploy@www.example.gov.cn", "/srv/zfxxgk")
    assert publish.parse_target("web1:site").path == "site"
    local = publish.parse_target("./www:old")
    assert local.host == "" and local.path.endswith("www:old")


def test_remote_commands_go_through_ssh_with_a_quoted_sh_script():
    target = publish.Target("/srv/示例 县", "deploy@web1")
    argv = target.command("ls " + target.quoted("releases"))
    assert argv[:4] == ["ssh", "-o", "BatchMode=yes", "deploy@web1"]
    assert argv[4] == "sh -c 'ls '\"'\"'/srv/示例 县/releases'\"'\"''"
    rsync = target.rsync_command(
        Path("/site/output"), "20250101-000000-000001", "20241231-000000-000000"
    )
    assert rsync[-2:] == [
        "/site/output/",
        "deploy@web1:/srv/示例 县/releases/20250101-000000-000001.partial/",
    ]
    assert "--link-dest=../20241231-000000-000000" in rsync
    assert rsync[rsync.index("-e") + 1] == "ssh -o BatchMode=yes"


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    """An ``ssh`` on PATH that runs the remote command on this machine, as sshd would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "ssh"
    shim.write_text(
        "#!/bin/sh\n"
        'while :; do case "$1" in -o|-l|-p) shift 2;; -*) shift;; *) break;; esac; done\n'
        'echo "$1" >> "$(dirname "$0")/hosts"; shift\nexec sh -c "$*"\n'
    )
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir / "hosts"


def test_publish_and_verify_over_ssh(small_site, target, fake_ssh, capsys):
    remote = f"deploy@web1:{target}"
    assert main(["-C", str(small_site.root), "publish", remote]) == 0
    assert main(["-C", str(small_site.root), "publish", remote]) == 0
    assert main(["verify", remote]) == 0
    assert set(fake_ssh.read_text().split()) == {"deploy@web1", "web1"}  # rsync passes -l deploy
    assert tree_bytes(target / "current") == tree_bytes(small_site.root / "output")
    assert (target / "current" / "assets/style.css").stat().st_nlink == 2
    (target / "current" / DOC_PAGE).write_text("defaced")
    assert main(["verify", remote]) == 1
    assert f"被修改：{DOC_PAGE}" in capsys.readouterr().err


def test_unreachable_host(small_site, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text(
        "#!/bin/sh\necho 'ssh: connect to host web1 port 22: Connection refused' >&2\nexit 255\n"
    )
    (bin_dir / "ssh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = run("publish", "deploy@web1:/srv/zfxxgk", cwd=small_site.root)
    assert result.returncode == 1
    assert (
        "无法通过 SSH 连接 deploy@web1" in result.stderr and "Connection refused" in result.stderr
    )
