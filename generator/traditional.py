"""繁體 copy of the site: every page again under ``zh-hant/``, converted with OpenCC.

Conversion is phrase-level Simplified → Traditional to the Taiwan (``s2twp``: 软件 → 軟體)
or Hong Kong (``s2hk``) standard, chosen by ``traditional_variant``. Only text is converted:
text nodes, and the attributes that carry words for people (alt, title, aria-label,
placeholder); never tags, URLs or other attributes, so every relative link of a copied page
still works one folder deeper. Strings that must not change, such as every 发文字号 and the
names in ``traditional_protect``, are kept as written. The 简/繁 switch of each page is
pointed back at the same page in Simplified.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from generator.config import SiteConfig
from generator.model import Site
from generator.render import OutputFile

PREFIX = "zh-hant/"
CONFIGS = {"tw": "s2twp", "hk": "s2hk"}
LANGS = {"tw": "zh-Hant-TW", "hk": "zh-Hant-HK"}
_TOKENS = re.compile(r"(<!--.*?-->|<script\b.*?</script>|<style\b.*?</style>|<[^>]+>)", re.S | re.I)
_TEXT_ATTRIBUTES = re.compile(r'(\s(?:alt|title|aria-label|placeholder)=")([^"]*)(")')
_HTML_LANG = re.compile(r'(<html\b[^>]*\blang=")[^"]*(")')
_SWITCH = re.compile(r'<a class="script-switch" data-zh-switch href="([^"]*)"[^>]*>[^<]*</a>')
# Files of the simplified site that have no place in the copy.
_NOT_COPIED = ("robots.txt", "sitemap")


def converter(variant: str) -> Callable[[str], str]:
    """OpenCC's phrase-level converter for ``tw`` or ``hk``."""
    import opencc  # imported only when a site asks for the copy

    return opencc.OpenCC(CONFIGS[variant]).convert


def protected_strings(site: Site, config: SiteConfig) -> set[str]:
    """What the copy keeps as written: every 发文字号 and the site's own list."""
    numbers = {d.doc_no for d in site.documents if d.doc_no}
    numbers |= {r.doc_no for u in site.units for r in u.rules if r.doc_no}
    return numbers | set(config.traditional_protect)


class TraditionalCopy:
    """Converts pages of one site; one instance per build."""

    def __init__(self, config: SiteConfig, protected: Iterable[str]):
        self._convert = converter(config.traditional_variant)
        self.lang = LANGS[config.traditional_variant]
        kept = sorted({p for p in protected if p}, key=len, reverse=True)
        self._kept = re.compile("|".join(map(re.escape, kept))) if kept else None

    def text(self, text: str) -> str:
        """Convert a run of text, leaving protected strings as they are."""
        if not text or text.isascii():
            return text
        if self._kept is None:
            return self._convert(text)
        out, start = [], 0
        for match in self._kept.finditer(text):
            out.append(self._convert(text[start : match.start()]))
            out.append(match.group())
            start = match.end()
        out.append(self._convert(text[start:]))
        return "".join(out)

    def page(self, html: str) -> str:
        parts = _TOKENS.split(html)
        for i, part in enumerate(parts):
            if i % 2 == 0:
                parts[i] = self.text(part)
            elif not part.startswith(("<!--", "<script", "<style")):
                parts[i] = _TEXT_ATTRIBUTES.sub(
                    lambda m: m.group(1) + self.text(m.group(2)) + m.group(3), part
                )
        converted = _HTML_LANG.sub(rf"\g<1>{self.lang}\g<2>", "".join(parts), count=1)
        return _SWITCH.sub(_back_switch, converted, count=1)

    def copy(self, file: OutputFile) -> OutputFile | None:
        """The file's place in the copy: pages converted, other files as they are."""
        path = PREFIX + file.path
        if file.path.startswith(_NOT_COPIED):
            return None
        if file.unchanged:
            return OutputFile(path, unchanged=True)
        if file.data is not None and file.path.endswith(".html"):
            return OutputFile(path, data=self.page(file.data.decode("utf-8")).encode("utf-8"))
        return OutputFile(path, data=file.data, source=file.source)


def _back_switch(match: re.Match) -> str:
    """The 简/繁 switch of a copied page: to the same page in Simplified."""
    href = match.group(1)
    if href.startswith(("http://", "https://", "/")):
        back = href.replace(PREFIX, "", 1)
    else:
        back = "../" + href.replace(PREFIX, "", 1)
    return (
        f'<a class="script-switch" data-zh-switch href="{back}" hreflang="zh-Hans" '
        'lang="zh-Hans">简体</a>'
    )


def with_traditional(files: Iterable[OutputFile], copier: TraditionalCopy) -> Iterator[OutputFile]:
    """Pass ``files`` through, each followed by its copy under zh-hant/."""
    for file in files:
        yield file
        copy = copier.copy(file)
        if copy is not None:
            yield copy
