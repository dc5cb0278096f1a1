"""Pickles of loaded content that load quickly (内容对象的序列化).

A loaded site is full of paths: 10,000 documents hold some 20,000. pathlib pickles a
path as all its parts and parses them again on loading, which was half the time of
loading a unit read in a worker process or stored in the build cache. Here a path is
stored as its folder's text and its name, and rebuilt from a folder made once per
folder: a sixth of the cost.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
from pathlib import Path, PurePath
from typing import Any, BinaryIO

_CONCRETE = type(Path())  # PosixPath here
# Whether pathlib keeps a path's text in a slot of that name (Python 3.11 and 3.12), and
# paths are written with "/".
_KEEPS_TEXT = os.sep == "/" and "_str" in getattr(PurePath, "__slots__", ())


class CompactPickler(pickle.Pickler):
    """A pickler that stores paths by folder and name (see the module's docstring)."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is _CONCRETE and obj.name:
            return (_child, (str(obj.parent), obj.name))
        if isinstance(obj, PurePath):
            return (type(obj), (str(obj),))
        return NotImplemented


def dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    CompactPickler(buffer).dump(value)
    return buffer.getvalue()


def _child(folder: str, name: str) -> Path:
    """The path ``name`` in ``folder`` (see CompactPickler)."""
    parent = _folder(folder)
    # pathlib's own shortcut for a name known to be one plain part, as iterdir() uses it
    # (Python 3.11); the public join parses the name first, at four times the cost.
    make = getattr(parent, "_make_child_relpath", None)
    if make is None:
        return parent / name
    path = make(name)
    if _KEEPS_TEXT:
        # Its text too, which pathlib would build from the parts on first use: the
        # linker and the checker ask it of every document (10,000 at 3.6 µs each).
        path._str = name if folder == "." else folder.rstrip("/") + "/" + name
    return path


# A folder per 栏目: some 18,000 at 100,000 documents.
@functools.lru_cache(maxsize=1 << 16)
def _folder(text: str) -> Path:
    """The folder ``text``, made from its parent's path when pathlib keeps the text:
    parsing a long path again for each of 18,000 folders took 0.2 s of a restore."""
    head, _, name = text.rpartition("/")
    if not _KEEPS_TEXT or not head or not name:
        return Path(text)
    return _child(head, name)
