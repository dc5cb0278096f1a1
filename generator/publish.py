"""Publishing (发布) the built site to a web server without ever serving half an update.

Layout of a publish target (a local folder, or ``user@host:/path`` over SSH)::

    <target>/current              -> releases/<id>   (symlink; the web server's root)
    <target>/releases/<id>/       one complete build of output/
    <target>/releases/<id>.json   its manifest (清单): path, size and SHA-256 of every file
    <target>/releases/<id>.partial/   a release still being transferred

A release is copied with rsync into ``<id>.partial`` (unchanged files are hard links into
the live release, ``--link-dest``), its manifest is written, the folder is renamed to
``<id>``, and only then is ``current`` switched by renaming a new symlink over it — one
rename(2), so a reader gets either the old site or the new one. Anything that fails before
that rename leaves ``current`` as it was.

The manifest lies beside the release, not inside it, so the web server never serves it and
the release folder holds exactly what output/ held.

Every operation on the target is a short POSIX shell script, run with ``sh -c`` for a
local folder and through ``ssh`` for a remote one: the remote path is exercised by the
same code as the local one, which the tests run for real.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import re
import shlex
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

RELEASES = "releases"
CURRENT = "current"
PARTIAL = ".partial"
MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = "zfxxgk-manifest/1"
RELEASE_ID = re.compile(r"^\d{8}-\d{6}-\d{6}$")
SSH = ("ssh", "-o", "BatchMode=yes")
# Files are written world-readable whatever the umask of the machine that publishes, so
# the web server's user can read them; no times are kept, so that --checksum decides.
RSYNC = ("rsync", "-rlp", "--chmod=D755,F644", "--checksum")

# Exit codes of the probe script (below 100 so they cannot be confused with ssh's 255).
_MISSING, _NOT_DIR, _NOT_WRITABLE, _CURRENT_NOT_LINK = 10, 11, 12, 13


class PublishError(Exception):
    """Publishing failed; the message (Chinese) says whether the live site changed."""


@dataclass(frozen=True)
class FileEntry:
    size: int
    sha256: str


@dataclass
class Manifest:
    """What one release holds (发布清单): relative POSIX path → size and SHA-256."""

    release: str
    files: dict[str, FileEntry]
    created: str = ""

    def to_json(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT,
            "release": self.release,
            "created": self.created,
            "files": {
                path: {"size": e.size, "sha256": e.sha256} for path, e in sorted(self.files.items())
            },
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, where: str) -> Manifest:
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw.get("format") != MANIFEST_FORMAT:
                raise ValueError("format")
            files = {
                path: FileEntry(int(item["size"]), str(item["sha256"]))
                for path, item in raw["files"].items()
            }
            return cls(str(raw["release"]), files, str(raw.get("created", "")))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PublishError(f"发布清单 {where} 已损坏，无法读取") from exc


def manifest_of(folder: Path, release: str, created: str = "") -> Manifest:
    """Hash every file under ``folder`` (the freshly built output/)."""
    files: dict[str, FileEntry] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            files[path.relative_to(folder).as_posix()] = FileEntry(
                len(data), hashlib.sha256(data).hexdigest()
            )
    return Manifest(release, files, created)


@dataclass
class Changes:
    """What a publish changes against the live release (dry-run and the summary line)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    same: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def compare(live: Manifest | None, new: Manifest) -> Changes:
    old = live.files if live else {}
    changes = Changes()
    for path, entry in sorted(new.files.items()):
        if path not in old:
            changes.added.append(path)
        elif old[path] != entry:
            changes.changed.append(path)
        else:
            changes.same += 1
    changes.removed = sorted(set(old) - set(new.files))
    return changes


@dataclass
class Discrepancies:
    """What ``verify`` found in ``current`` that its manifest does not account for."""

    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.altered or self.unexpected)


def discrepancies(manifest: Manifest, actual: dict[str, FileEntry]) -> Discrepancies:
    found = Discrepancies()
    for path, entry in sorted(manifest.files.items()):
        if path not in actual:
            found.missing.append(path)
        elif actual[path] != entry:
            found.altered.append(path)
    found.unexpected = sorted(set(actual) - set(manifest.files))
    return found


# -- targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetState:
    """What is on the target now: the live release (or "") and every release folder."""

    current: str
    entries: tuple[str, ...]

    @property
    def releases(self) -> list[str]:
        """Complete releases, oldest first: a folder with its manifest beside it."""
        names = set(self.entries)
        return sorted(n for n in names if RELEASE_ID.match(n) and n + MANIFEST_SUFFIX in names)


@dataclass(frozen=True)
class Target:
    """A publish target: ``path`` on this machine (``host`` empty) or on ``host`` via SSH."""

    path: str
    host: str = ""
    rsync_options: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path

    def command(self, script: str) -> list[str]:
        """The argv that runs ``script`` in a POSIX shell on the target's machine."""
        if not self.host:
            return ["sh", "-c", script]
        # ssh joins its arguments into one string for the remote login shell, which may
        # not be sh: hand it one quoted ``sh -c`` command.
        return [*SSH, self.host, "sh -c " + shlex.quote(script)]

    def run(self, script: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            result = subprocess.run(self.command(script), input=stdin, capture_output=True)
        except OSError as exc:
            raise PublishError(
                f"无法执行 {self.command(script)[0]}：{exc.strerror or exc}"
            ) from exc
        if self.host and result.returncode == 255:
            reason = _stderr(result) or "连接失败"
            raise PublishError(f"无法通过 SSH 连接 {self.host}：{reason}")
        return result

    def quoted(self, *parts: str) -> str:
        return shlex.quote("/".join((self.path.rstrip("/") or "/", *parts)))

    def rsync_command(self, source: Path, release: str, link_dest: str) -> list[str]:
        destination = f"{self.path.rstrip('/')}/{RELEASES}/{release}{PARTIAL}/"
        if self.host:
            destination = f"{self.host}:{destination}"
        argv = [*RSYNC]
        if link_dest:
            # Relative to the destination folder, so it holds on either machine.
            argv.append(f"--link-dest=../{link_dest}")
        if self.host:
            argv += ["-e", " ".join(SSH)]
        return [*argv, *self.rsync_options, f"{source}/", destination]


def parse_target(spec: str, rsync_options: Iterable[str] = ()) -> Target:
    """``user@host:/path`` or ``host:path`` is remote (as for rsync and scp); else local."""
    options = tuple(rsync_options)
    match = re.match(r"^([^/:]+):(.*)$", spec)
    if match and not re.match(r"^[A-Za-z]$", match.group(1)):
        return Target(match.group(2) or ".", match.group(1), options)
    return Target(str(Path(spec).expanduser().resolve()), "", options)


def inspect(target: Target, write: bool = True) -> TargetState:
    """Check the target can take a release and read what it holds.

    With ``write`` the script also creates releases/ and proves a file can be written.
    """
    root = target.quoted()
    probe = (
        f"mkdir -p {root}/{RELEASES} && : > {root}/.zfxxgk-probe && rm -f {root}/.zfxxgk-probe || exit {_NOT_WRITABLE}\n"
        if write
        else ""
    )
    script = (
        f"[ -e {root} ] || exit {_MISSING}\n"
        f"[ -d {root} ] || exit {_NOT_DIR}\n"
        f"{probe}"
        f"if [ -e {root}/{CURRENT} ] && [ ! -L {root}/{CURRENT} ]; then exit {_CURRENT_NOT_LINK}; fi\n"
        f"readlink {root}/{CURRENT} || echo\n"
        f"[ ! -d {root}/{RELEASES} ] || ls -1A {root}/{RELEASES}\n"
    )
    result = target.run(script)
    messages = {
        _MISSING: f"发布目标 {target.label} 不存在；请先由服务器管理员建好该文件夹（见 docs/publish.md）",
        _NOT_DIR: f"发布目标 {target.label} 不是文件夹",
        _NOT_WRITABLE: f"发布目标 {target.label} 无法写入（权限不足或磁盘只读）：{_stderr(result)}",
        _CURRENT_NOT_LINK: f"{target.label}/{CURRENT} 不是符号链接，不是由 zfxxgk 发布的网站；为避免覆盖，已停止",
    }
    if result.returncode in messages:
        raise PublishError(messages[result.returncode])
    if result.returncode != 0:
        raise PublishError(f"读取发布目标 {target.label} 失败：{_stderr(result)}")
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    link = lines[0].strip() if lines else ""
    current = link.rsplit("/", 1)[-1] if link.startswith(f"{RELEASES}/") else ""
    if link and not current:
        raise PublishError(f"{target.label}/{CURRENT} 指向 {link}，不是 zfxxgk 的发布版本")
    return TargetState(current, tuple(line for line in lines[1:] if line))


def read_manifest(target: Target, release: str) -> Manifest:
    where = f"{target.label}/{RELEASES}/{release}{MANIFEST_SUFFIX}"
    result = target.run(f"cat {target.quoted(RELEASES, release + MANIFEST_SUFFIX)}")
    if result.returncode != 0:
        raise PublishError(f"读取发布清单 {where} 失败：{_stderr(result)}")
    return Manifest.from_json(result.stdout, where)


def switch(target: Target, release: str, previous: str = "") -> None:
    """Point ``current`` at ``release`` with one rename (``mv -T`` is rename(2))."""
    root = target.quoted()
    link = shlex.quote(f"{RELEASES}/{release}")
    script = f"cd {root} && rm -f .current.tmp && ln -s {link} .current.tmp && mv -T .current.tmp {CURRENT}"
    result = target.run(script)
    if result.returncode != 0:
        raise PublishError(
            f"切换 {CURRENT} 失败：{_stderr(result)}。{_unchanged(target, previous)}"
        )


def remove_releases(target: Target, names: Iterable[str]) -> None:
    """Delete release folders and their manifests (best effort: never fails a publish)."""
    paths = [
        target.quoted(RELEASES, name + suffix)
        for name in names
        for suffix in ("", MANIFEST_SUFFIX, PARTIAL)
    ]
    if paths:
        target.run("rm -rf -- " + " ".join(paths))


# -- publish, rollback, verify ---------------------------------------------------------------


@dataclass
class Published:
    release: str
    previous: str
    changes: Changes
    removed_releases: list[str]
    kept: int


def new_release_id(now: dt.datetime | None = None) -> str:
    """A release id that sorts in time order: UTC, to the microsecond."""
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return moment.strftime("%Y%m%d-%H%M%S-%f")


def plan(output: Path, target: Target) -> tuple[TargetState, Manifest | None, Manifest]:
    """What a publish of ``output`` would change (``--dry-run`` stops here)."""
    state = inspect(target, write=False)
    live = read_manifest(target, state.current) if state.current else None
    return state, live, manifest_of(output, "")


def publish(output: Path, target: Target, keep: int = 5, release: str | None = None) -> Published:
    """Copy ``output`` to a new release, then switch ``current`` to it.

    Raises PublishError, with ``current`` untouched, if anything before the switch fails.
    """
    state = inspect(target)
    release = release or new_release_id()
    if release in state.entries or (state.releases and release <= state.releases[-1]):
        raise PublishError(f"版本号 {release} 不晚于已有版本，请检查本机时间后重试")
    live = read_manifest(target, state.current) if state.current else None
    try:
        manifest = manifest_of(output, release, dt.datetime.now(dt.timezone.utc).isoformat())
    except OSError as exc:
        raise PublishError(f"读取 {output} 失败：{exc.strerror or exc}") from exc
    _clear_leftovers(target, state)
    _upload(output, target, release, state.current, manifest)
    switch(target, release, state.current)
    releases = [*state.releases, release]
    old = releases[: max(len(releases) - keep, 0)]
    remove_releases(target, old)
    return Published(release, state.current, compare(live, manifest), old, len(releases) - len(old))


def _upload(output: Path, target: Target, release: str, current: str, manifest: Manifest) -> None:
    """Transfer into ``<release>.partial`` and complete it; on any failure remove it again."""
    try:
        run_rsync(target.rsync_command(output, release, current))
        _finish(target, release, manifest)
    except (OSError, PublishError) as exc:
        remove_releases(target, [release])
        raise PublishError(f"{_reason(exc)}。{_unchanged(target, current)}") from exc
    except KeyboardInterrupt:
        remove_releases(target, [release])
        raise


def _clear_leftovers(target: Target, state: TargetState) -> None:
    """Remove what interrupted publishes left: partial folders and orphan manifests."""
    names = set(state.entries)
    stale = [n for n in names if n.endswith(PARTIAL)]
    stale += [
        n for n in names if n.endswith(MANIFEST_SUFFIX) and n[: -len(MANIFEST_SUFFIX)] not in names
    ]
    stale += [n for n in names if n.endswith(".tmp")]
    if stale:
        paths = " ".join(target.quoted(RELEASES, n) for n in sorted(stale))
        target.run("rm -rf -- " + paths)


def _finish(target: Target, release: str, manifest: Manifest) -> None:
    name = target.quoted(RELEASES, release + MANIFEST_SUFFIX)
    partial = target.quoted(RELEASES, release + PARTIAL)
    final = target.quoted(RELEASES, release)
    result = target.run(
        f"cat > {name}.tmp && mv {name}.tmp {name} && mv -T {partial} {final}",
        stdin=manifest.to_json(),
    )
    if result.returncode != 0:
        raise _os_error(result, f"写入发布清单失败：{_stderr(result)}")


def run_rsync(argv: list[str]) -> None:
    """Run rsync; a full disk becomes OSError(ENOSPC), other failures PublishError."""
    try:
        result = subprocess.run(argv, capture_output=True)
    except FileNotFoundError as exc:
        raise PublishError(
            "未找到 rsync，请先安装（Debian/Ubuntu：apt-get install rsync）"
        ) from exc
    if result.returncode != 0:
        raise _os_error(
            result, f"传输文件失败（rsync 退出码 {result.returncode}）：{_stderr(result)}"
        )


def rollback(target: Target) -> tuple[str, str]:
    """Switch ``current`` to the release before it; returns (from, to)."""
    state = inspect(target, write=False)
    if not state.current:
        raise PublishError(f"{target.label} 尚未发布过网站，无法回退")
    older = [r for r in state.releases if r < state.current]
    if not older:
        raise PublishError(f"{target.label} 没有比当前版本 {state.current} 更早的版本，无法回退")
    switch(target, older[-1], state.current)
    return state.current, older[-1]


def deployed_files(target: Target) -> dict[str, FileEntry]:
    """Size and SHA-256 of every file under ``current`` as the server sees it now."""
    live = target.quoted(CURRENT) + "/"
    sizes = target.run(f"cd {live} && find . -type f -printf '%s %P\\0'")
    hashes = target.run(f"cd {live} && find . -type f -print0 | xargs -0 -r sha256sum -z --")
    others = target.run(f"cd {live} && find . ! -type f ! -type d -printf '%P\\0'")
    for result in (sizes, hashes, others):
        if result.returncode != 0:
            raise PublishError(f"读取 {target.label}/{CURRENT} 失败：{_stderr(result)}")
    size_of = {}
    for item in _nul_split(sizes.stdout):
        size, _, path = item.partition(" ")
        size_of[path] = int(size)
    files = {}
    for item in _nul_split(hashes.stdout):
        digest, _, path = item.partition("  ")
        path = path.removeprefix("./")
        files[path] = FileEntry(size_of.get(path, -1), digest)
    for path in _nul_split(others.stdout):  # symlinks and the like: never ours
        files[path] = FileEntry(-1, "")
    return files


def verify(target: Target) -> tuple[str, Discrepancies]:
    state = inspect(target, write=False)
    if not state.current:
        raise PublishError(f"{target.label} 尚未发布过网站（没有 {CURRENT}），无法核对")
    manifest = read_manifest(target, state.current)
    return state.current, discrepancies(manifest, deployed_files(target))


# -- helpers -------------------------------------------------------------------------------


def _nul_split(data: bytes) -> list[str]:
    return [part for part in data.decode("utf-8", "surrogateescape").split("\0") if part]


def _stderr(result: subprocess.CompletedProcess) -> str:
    text = (result.stderr or b"").decode("utf-8", "replace").strip()
    return " ".join(text.splitlines()[-3:])


def _os_error(result: subprocess.CompletedProcess, message: str) -> Exception:
    if "No space left on device" in _stderr(result):
        return OSError(errno.ENOSPC, "No space left on device")
    return PublishError(message)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "发布失败：服务器磁盘空间已满，新版本未能完整写入，已删除未完成的部分"
    if isinstance(exc, OSError):
        return f"发布失败：{exc.strerror or exc}"
    return f"发布失败：{exc}"


def _unchanged(target: Target, current: str) -> str:
    if current:
        return f"正在提供服务的网站未改变（{target.label}/{CURRENT} 仍指向 {RELEASES}/{current}）"
    return f"{target.label} 上尚无已发布的网站，也未创建 {CURRENT}"
