"""Problems found in an editor's content, reported in Chinese with file:line.

A content error is never a traceback: every stage appends :class:`Problem` objects to a
:class:`Problems` list it is handed, and the CLI prints them and exits non-zero.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One finding (问题): where it is, how bad it is, and what to do about it."""

    path: Path | None
    line: int | None
    message: str
    severity: str = ERROR
    rule: str = ""
    basis: str = ""  # legal basis (依据), e.g. 条例第二十六条

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return ""
        path = self.path
        if root is not None:
            with contextlib.suppress(ValueError):
                path = path.relative_to(root)
        text = path.as_posix()
        return f"{text}:{self.line}" if self.line else text

    def as_json(self, root: Path | None = None) -> dict[str, object]:
        """The stable JSON form of ``zfxxgk check --format json`` (documented in README)."""
        where = self.location(root)
        return {
            "rule": self.rule,
            "severity": "error" if self.severity == ERROR else "warning",
            "file": where.rsplit(":", 1)[0] if self.line else where,
            "line": self.line,
            "message": self.message,
            "basis": self.basis,
        }

    def format(self, root: Path | None = None) -> str:
        where = self.location(root)
        head = f"{where}: " if where else ""
        rule = f"[{self.rule}] " if self.rule else ""
        basis = f"（依据：{self.basis}）" if self.basis else ""
        return f"{head}{self.severity}：{rule}{self.message}{basis}"


@dataclass
class Problems:
    """An ordered collection of problems, shared by the stages of one build."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path | None, line: int | None, message: str, **kw: str) -> None:
        self.items.append(Problem(path, line, message, ERROR, **kw))

    def warn(self, path: Path | None, line: int | None, message: str, **kw: str) -> None:
        self.items.append(Problem(path, line, message, WARNING, **kw))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def __bool__(self) -> bool:
        return bool(self.items)


class BuildError(Exception):
    """Raised when content errors make it impossible to produce a correct site."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} 个错误")
        self.problems = problems


class OutputError(Exception):
    """Writing the output failed; the previous output/ is untouched."""


class SearchError(Exception):
    """The search index could not be built; the message is for the editor (Chinese)."""
