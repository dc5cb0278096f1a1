"""Screening published text for personal numbers (三审 before publication).

Residents' ID numbers, mobile numbers and bank card numbers must not appear on a
government site unless they are meant to. Government documents are full of other long
numbers — dates, 索引号, 统一社会信用代码, office phones, amounts, 发文字号 — so a number
is reported only when its shape and, where there is one, its check digit say it is
personal: an ID must pass GB 11643-1999, a card must pass Luhn, and no number is taken
out of the middle of a longer run of digits or letters.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

RESIDENT_ID = "身份证号码"
MOBILE = "手机号码"
BANK_CARD = "银行卡号"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"[1-8][0-9]{16}[0-9Xx]")

# Full-width forms (０-９, Ｘ, －, （）, ideographic space) are read as their ASCII
# counterparts; every replacement is one character for one, so offsets do not move.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}

# A candidate may not continue a run of digits or letters, nor be the decimal part of an
# amount; a grouped form may not continue a run of digit groups either.
_LEFT = r"(?<![0-9A-Za-z])(?<![0-9]\.)"
_RIGHT = r"(?![0-9A-Za-z])(?!\.[0-9])"
_NOT_GROUP_BEFORE = r"(?<![0-9][ -])"
_NOT_GROUP_AFTER = r"(?![ -][0-9])"
_PREFIX = r"(?:\+?86[ -]?)?"
_CANDIDATE = re.compile(
    _LEFT
    + "(?:"
    + rf"(?P<mobile>{_PREFIX}1[3-9][0-9]{{9}})"
    + rf"|{_NOT_GROUP_BEFORE}(?P<mobile_grouped>{_PREFIX}1[3-9][0-9](?P<ms>[ -])[0-9]{{4}}(?P=ms)[0-9]{{4}}){_NOT_GROUP_AFTER}"
    + rf"|{_NOT_GROUP_BEFORE}(?P<card_grouped>[0-9]{{4}}(?P<cs>[ -])[0-9]{{4}}(?:(?P=cs)[0-9]{{4}}){{2}}(?:(?P=cs)[0-9]{{1,3}})?){_NOT_GROUP_AFTER}"
    + r"|(?P<run>[0-9]{17}[Xx]|[0-9]{16,19})"
    + ")"
    + _RIGHT
)
_MOBILE_WITH_PREFIX = re.compile(r"861[3-9][0-9]{9}")
# Every candidate lies inside a run of at least 11 of these characters (in either
# width). The candidate pattern, whose look-behinds make it slow over a whole page, runs
# only on such runs and the few characters around them that its look-arounds read.
_RUN = re.compile(r"[0-9０-９+＋][0-9０-９XxＸｘ+＋ 　\-－]{10,}")
_CONTEXT = 3


@dataclass(frozen=True)
class Finding:
    """A number that looks personal: what it seems to be, as written, and on which line."""

    kind: str
    text: str
    line: int


def valid_resident_id(number: str, *, today: dt.date | None = None) -> bool:
    """Whether ``number`` is a well-formed 18-character resident ID (GB 11643-1999).

    Besides the ISO 7064 MOD 11-2 check character, the birth date must exist, be no
    earlier than 1900 and not in the future, which rules out most digit runs that pass
    the checksum by chance.
    """
    if not _ID_SHAPE.fullmatch(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1900 and born <= (today or dt.date.today())


def luhn_valid(number: str) -> bool:
    """Whether ``number`` passes the Luhn check used by bank cards (spaces and hyphens ignored)."""
    digits = number.replace(" ", "").replace("-", "")
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def find_personal_numbers(text: str, allowed: Collection[str] = ()) -> list[Finding]:
    """Personal numbers in ``text``, in order, except those listed in ``allowed``.

    ``allowed`` holds numbers meant to be public; they are compared by their digits only,
    so "138 1234 5678" in the text matches "13812345678" in the list.
    """
    allowed_keys = _allowed_keys(tuple(allowed))
    findings: list[Finding] = []
    line, position = 1, 0
    for run in _RUN.finditer(text):
        offset = max(0, run.start() - _CONTEXT)
        window = text[offset : run.end() + _CONTEXT].translate(_HALF_WIDTH)
        for match in _CANDIDATE.finditer(window):
            kind = _kind(match)
            if kind is None or _key(match.group()) in allowed_keys:
                continue
            start = offset + match.start()
            line += text.count("\n", position, start)
            position = start
            findings.append(Finding(kind, text[start : offset + match.end()], line))
    return findings


@functools.lru_cache(maxsize=64)
def _allowed_keys(allowed: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_key(number) for number in allowed)


def _kind(match: re.Match[str]) -> str | None:
    if match["mobile"] or match["mobile_grouped"]:
        return MOBILE
    digits = _digits(match.group())
    if match["run"] and valid_resident_id(digits):
        return RESIDENT_ID
    # Luhn alone passes one random run in ten; issuers' numbers never start with 0, and a
    # valid ID is reported as an ID above.
    if digits[0] != "0" and luhn_valid(digits) and not valid_resident_id(digits):
        return BANK_CARD
    return None


def _digits(number: str) -> str:
    return re.sub(r"[^0-9X]", "", number.translate(_HALF_WIDTH).upper())


def _key(number: str) -> str:
    """Digits (and an ID's X) only, without a +86 country code before a mobile number."""
    digits = _digits(number)
    return digits[2:] if _MOBILE_WITH_PREFIX.fullmatch(digits) else digits
