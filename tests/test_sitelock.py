"""The site's lock: a second command waits for the first and says so; a holder that dies
leaves no lock behind."""

import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import wait_for

from generator.cli import main
from generator.sitelock import exclusive

# Holds the lock of the site at argv[1] until the file argv[2] appears.
HOLDER = """
import pathlib, sys, time
from generator.sitelock import exclusive
root, release = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
with exclusive(root, waiting=lambda: None):
    print("held", flush=True)
    while not release.exists():
        time.sleep(0.02)
"""


def hold(root: Path, release: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), str(release)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path):
    holder = hold(tmp_path, tmp_path / "release")
    events: list[str] = []

    def second() -> None:
        with exclusive(tmp_path, waiting=lambda: events.append("waiting")):
            events.append("held")

    thread = threading.Thread(target=second)
    thread.start()
    wait_for(lambda: events)
    time.sleep(0.3)
    assert events == ["waiting"]  # told, and still waiting
    (tmp_path / "release").touch()
    thread.join(timeout=30)
    assert events == ["waiting", "held"]
    assert holder.wait(timeout=30) == 0


def test_a_holder_that_is_killed_leaves_no_lock(tmp_path):
    holder = hold(tmp_path, tmp_path / "never")
    holder.kill()
    holder.wait(timeout=30)
    events: list[str] = []
    with exclusive(tmp_path, waiting=lambda: events.append("waiting")):
        events.append("held")
    assert events == ["held"]


def test_build_waits_for_another_command_and_says_so(small_site, capsys):
    holder = hold(small_site.root, small_site.root / "release")
    codes: list[int] = []
    thread = threading.Thread(
        target=lambda: codes.append(main(["-C", str(small_site.root), "build", "--no-search"]))
    )
    thread.start()
    said: list[str] = []

    def told() -> str:
        said.append(capsys.readouterr().err)
        return "".join(said)

    wait_for(lambda: "等待其完成" in told())
    assert "另一个 zfxxgk 命令正在生成或发布本网站，等待其完成" in told()
    assert not (small_site.root / "output").exists()  # nothing written while it waits
    (small_site.root / "release").touch()
    thread.join(timeout=60)
    assert codes == [0]
    assert (small_site.root / "output/index.html").is_file()
    holder.wait(timeout=30)


def test_a_folder_that_is_no_site_gets_no_lock_file(tmp_path, capsys):
    assert main(["-C", str(tmp_path), "build"]) != 0
    assert not (tmp_path / ".zfxxgk-cache").exists()
