"""``zfxxgk publish`` / ``zfxxgk verify``: atomic releases, rollback, faults, and the
documented nginx server block serving a published site to a reader and to Chromium."""

from __future__ import annotations

import errno
import os
import posixpath
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import as_from_a_terminal, document, require_tool

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
    assert re.search(r"修改 [1-9]\d* 个", capsys.readouterr().out)
    # Pages were only changed; only the search index (whose files are named by their
    # content) adds and drops files.
    releases_dir = target / "releases"
    pages = [
        {p for p in tree_bytes(releases_dir / r) if not p.startswith("pagefind/")}
        for r in (first, second)
    ]
    assert pages[0] == pages[1]


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
        preexec_fn=as_from_a_terminal,
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


# -- pages the documented CSP accepts ------------------------------------------------------


class _InlineFinder(HTMLParser):
    """Collects what ``script-src 'self'`` / ``style-src 'self'`` would refuse."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        self.found += [f"<{tag} {n}=>" for n in names if n == "style" or n.startswith("on")]
        self.in_script = tag == "script" and "src" not in names
        if tag == "style":
            self.found.append("<style>")

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag):
        self.in_script = False


def test_built_pages_carry_no_inline_styles_or_scripts(small_site):
    """Table alignment in Markdown (``|---:|``) must not become style="" (refused by CSP)."""
    small_site.doc(
        "行政规范性文件",
        "表格",
        document("表格", "11999900MB0000009X/2025-00010", body="|项目|金额|\n|:--|--:|\n|甲|1|\n"),
    )
    assert main(["-C", str(small_site.root), "build"]) == 0
    output = small_site.root / "output"
    for page in output.rglob("*.html"):
        finder = _InlineFinder()
        finder.feed(page.read_text("utf-8"))
        assert finder.found == [], f"{page.relative_to(output)}: {finder.found}"
    table = (output / "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/bg/index.html").read_text("utf-8")
    assert '<td class="align-right">1</td>' in table


# -- end to end: the documented nginx server block serving a published site ----------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
DOCS_CONF = REPO / "docs" / "nginx.conf"
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_block(root: Path, port: int) -> str:
    """docs/nginx.conf with only its listen and root lines replaced."""
    text = DOCS_CONF.read_text(encoding="utf-8")
    text, listens = re.subn(r"(?m)^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", text)
    text, roots = re.subn(r"(?m)^(\s*)root /srv/zfxxgk/current;$", rf"\1root {root};", text)
    assert (listens, roots) == (1, 1), "docs/nginx.conf no longer has the lines the test replaces"
    return text


def nginx_config(prefix: Path, server: str) -> str:
    """The http-level frame Debian's /etc/nginx/nginx.conf provides, in a private prefix."""
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read tmp_path
    return (
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'};\nevents {{ worker_connections 256; }}\n"
        f"http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
        f" access_log off;\n {temp}\n{server}\n}}\n"
    )


@dataclass
class Nginx:
    url: str
    target: Path
    site: Path


@pytest.fixture
def nginx(tmp_path):
    """The example site (copied), a publish target, and nginx serving ``target/current``."""
    binary = require_tool(NGINX, "nginx")
    require_tool(shutil.which("rsync"), "rsync")
    port = _free_port()
    site = tmp_path / "site"
    site.mkdir()
    shutil.copytree(REPO / "content", site / "content")
    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    # A site's base_url is its own address: here, this nginx (the 404 page links absolutely).
    config = re.sub(r"(?m)^base_url: .*$", f"base_url: http://127.0.0.1:{port}/", config)
    (site / "site.yaml").write_text(config, encoding="utf-8")
    target = tmp_path / "www"
    target.mkdir()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, server_block(target / "current", port)), "utf-8")
    process = subprocess.Popen(
        [binary, "-e", "stderr", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
    yield Nginx(f"http://127.0.0.1:{port}/", target, site)
    process.terminate()
    process.wait(timeout=10)


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def page_url(path: str) -> str:
    """The clean URL of an output file: folders for index.html, the file otherwise."""
    return path.removesuffix("index.html") if path.endswith("index.html") else path


@pytest.mark.server
def test_published_site_over_nginx(nginx):
    assert main(["-C", str(nginx.site), "publish", str(nginx.target)]) == 0
    current = nginx.target / "current"
    pages = sorted(p.relative_to(current).as_posix() for p in current.rglob("*.html"))
    assert len(pages) > 200
    for path in pages:
        status, headers, body = get(nginx.url + quote(page_url(path)))
        assert status == 200, path
        assert headers["Content-Type"] == "text/html; charset=utf-8", path
        assert body == (current / path).read_bytes(), path
    status, headers, body = get(nginx.url + pages[-1])  # …/index.html itself works too
    assert status == 200

    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "public, max-age=300"
    status, headers, _ = get(nginx.url + "assets/style.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=604800"
    assert headers["Content-Security-Policy"] == CSP

    status, headers, body = get(nginx.url + "zfxxgk/no-such-page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (current / "404.html").read_bytes()
    assert "页面未找到" in body.decode("utf-8")
    assert headers["Content-Security-Policy"] == CSP

    status, headers, _ = get(nginx.url + "zfxxgk")  # a folder without its slash
    assert status == 301 and headers["Location"] == "/zfxxgk/"


@pytest.mark.server
def test_republish_under_load_rollback_and_verify(nginx, capsys):
    from generator.build import load
    from generator.errors import Problems

    assert main(["-C", str(nginx.site), "publish", str(nginx.target)]) == 0
    old = live(nginx.target)
    _, site = load(nginx.site, Problems())
    doc = site.documents[len(site.documents) // 2]
    doc_page = doc.url + "index.html"
    list_page = posixpath.dirname(doc.url.rstrip("/")) + "/index.html"
    watched = [doc_page, list_page, "index.html", "zfxxgk/index.html", "assets/style.css"]
    source = doc.source.read_text(encoding="utf-8")
    doc.source.write_text(source.rstrip("\n") + "\n\n本文已于近日补充说明。\n", "utf-8")

    seen: dict[str, set[bytes]] = {path: set() for path in watched}
    failures: list[str] = []
    fetches = [0]
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            for path in watched:
                status, _, body = get(nginx.url + quote(page_url(path)))
                fetches[0] += 1
                if status != 200:
                    failures.append(f"{path}: {status}")
                seen[path].add(body)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    time.sleep(0.5)
    assert main(["-C", str(nginx.site), "publish", str(nginx.target)]) == 0
    new = live(nginx.target)
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=30)

    assert not failures, failures[:5]
    assert fetches[0] > 100, fetches
    with capsys.disabled():  # a figure for the notes, not an assertion
        print(f"\nreader: {fetches[0]} fetches during republish, none failed or mixed")
    releases_dir = nginx.target / "releases"
    for path in watched:
        versions = {(releases_dir / r / path).read_bytes() for r in (old, new)}
        assert seen[path] <= versions, f"{path} was served in a version of neither release"
    old_doc = (releases_dir / old / doc_page).read_bytes()
    new_doc = (releases_dir / new / doc_page).read_bytes()
    assert old_doc != new_doc and "本文已于近日补充说明" in new_doc.decode("utf-8")
    assert seen[doc_page] == {old_doc, new_doc}, "the reader saw both the old and the new page"

    assert main(["-C", str(nginx.site), "publish", "--rollback", str(nginx.target)]) == 0
    assert get(nginx.url + quote(page_url(doc_page)))[2] == old_doc

    capsys.readouterr()
    assert main(["verify", str(nginx.target)]) == 0
    defaced = nginx.target / "current" / list_page
    defaced.write_bytes(defaced.read_bytes().replace("政府信息公开".encode(), b"hacked", 1))
    assert main(["verify", str(nginx.target)]) == 1
    assert f"被修改：{list_page}" in capsys.readouterr().err


# Registered before any page script (CDP init scripts are not subject to the page's CSP).
WATCH_CSP = """
window.__zfxxgkViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__zfxxgkViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.mark.server
@pytest.mark.browser
def test_pages_satisfy_the_documented_csp_in_chromium(nginx, chromium):
    """Whatever scripts and styles the theme ships must load and run under the CSP."""
    assert main(["-C", str(nginx.site), "publish", str(nginx.target)]) == 0
    current = nginx.target / "current"
    unit = sorted((current / "zfxxgk").iterdir())[0].name
    paths = ["", "zfxxgk/", f"zfxxgk/{unit}/", f"zfxxgk/{unit}/zfxxgkml/", "zfxxgk/missing/"]
    paths += [
        page_url(p.relative_to(current).as_posix())
        for p in sorted(current.glob(f"zfxxgk/{unit}/fdzdgknr/*/*/index.html"))[:2]
        + sorted(current.glob(f"zfxxgk/{unit}/zfxxgknb/*/index.html"))[:1]
    ]
    page = chromium.new_page()
    page.add_init_script(WATCH_CSP)
    console: list[str] = []
    errors: list[str] = []
    responses: dict[str, int] = {}
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
    page.on("response", lambda r: responses.__setitem__(r.url, r.status))
    for path in paths:
        response = page.goto(nginx.url + path, wait_until="load")
        assert response is not None
        assert response.headers["content-security-policy"] == CSP
        page.wait_for_timeout(200)  # let deferred scripts run
        violations = page.evaluate("window.__zfxxgkViolations")
        assert violations == [], f"{path}: {violations}"
        own = page.evaluate(
            "[...document.querySelectorAll('script[src], link[rel=stylesheet]')]"
            ".map(e => e.src || e.href)"
        )
        assert own, f"{path} loads no stylesheet"
        for url in own:
            assert url.startswith(nginx.url), f"{path}: external resource {url}"
            assert responses.get(url) == 200, f"{path}: {url} -> {responses.get(url)}"
        assert page.evaluate("[...document.styleSheets].every(s => s.cssRules.length > 0)")
    # The pages' own scripts work under the policy: site search (Pagefind's WebAssembly)
    # finds a document, and the 适老化 toolbar enlarges the text.
    page.goto(nginx.url + "search/?q=" + quote("高龄津贴"), wait_until="load")
    page.wait_for_selector(".search-form[data-ready]")
    page.wait_for_function(
        "() => { const s = document.querySelector('.search-status').textContent;"
        " return s && !s.startsWith('正在'); }"
    )
    assert page.locator(".search-result h2 a").count() >= 1
    page.click("button[data-a11y=larger]")
    assert "a11y-text-1" in page.evaluate("document.documentElement.className")
    assert page.evaluate("window.__zfxxgkViolations") == []
    assert not [m for m in console if "Refused to" in m or "Content Security Policy" in m]
    assert not errors, errors

    # The watch can fail: an inline script, as a careless template would add, is refused.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__zfxxgkViolations")[0].startswith("script-src")
    assert page.evaluate("window.x") is None


def test_keep_below_two_is_a_usage_error(small_site, target, capsys):
    assert main(["-C", str(small_site.root), "publish", "--keep", "1", str(target)]) == 2
    assert "--keep 至少为 2" in capsys.readouterr().err
    assert list(target.iterdir()) == []


def test_dry_run_before_the_first_publish_lists_everything(small_site, target, capsys):
    assert main(["-C", str(small_site.root), "publish", "--dry-run", str(target)]) == 0
    out = capsys.readouterr().out
    assert "新增\t404.html" in out and "服务器上尚无网站" in out
    assert list(target.iterdir()) == [], "a dry run writes nothing, not even releases/"
