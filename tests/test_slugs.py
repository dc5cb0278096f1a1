import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from generator.slugs import VALID_SLUG, SlugRequest, assign_slugs, pinyin_initials


def test_real_site_segments_from_chinese_names():
    assert pinyin_initials("法定主动公开内容") == "fdzdgknr"
    assert pinyin_initials("政府信息公开指南") == "zfxxgkzn"
    assert pinyin_initials("政府信息公开制度") == "zfxxgkzd"
    assert pinyin_initials("重大建设项目") == "zdjsxm"  # 重 read zhong here, not chong


# Characters of real names: polyphones read by the word they are in (行 in 银行 and 行政,
# 重 in 重大 and 重庆, 长 in 长江 and 局长), digits, letters, full-width forms, punctuation.
_NAME_PIECES = list("银行政重大庆长江局关于做好年度工作的通知办法试行第一二三") + [
    "2025", "ABC", "ｘ", "（", "）", "《", "》", "、", " ", "-", "_", "·", "号", "〔", "〕", "乐", "还",
]  # fmt: skip


@given(st.lists(st.sampled_from(_NAME_PIECES), min_size=1, max_size=12))
def test_initials_are_those_pypinyin_gives_the_whole_name(pieces):
    """Reading a name word by word (with a memo per word) gives the initials pypinyin's
    lazy_pinyin() gives the whole name: URLs never change with how they are worked out."""
    from pypinyin import Style, lazy_pinyin

    name = "".join(pieces)
    whole = lazy_pinyin(
        unicodedata.normalize("NFKC", name), style=Style.FIRST_LETTER, errors=lambda s: [s]
    )
    slug = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", "".join(whole).lower()).strip("-"))
    assert pinyin_initials(name) == slug


def test_digits_and_latin_letters_are_kept_and_punctuation_dropped():
    assert pinyin_initials("2025年预算公开") == "2025nysgk"
    assert pinyin_initials("《示例县》办法（试行）") == "slx-bf-sx"


def test_override_wins_and_colliding_names_get_stable_distinct_slugs():
    slugs, collisions = assign_slugs(
        [SlugRequest("教育局"), SlugRequest("交易局"), SlugRequest("机要局", "jyj")]
    )
    assert slugs["机要局"] == "jyj"
    assert len(set(slugs.values())) == 3
    assert {c.loser for c in collisions} == {"教育局", "交易局"}
    # The suffix depends on the name only: the same name gets the same URL in any order.
    again, _ = assign_slugs(
        [SlugRequest("交易局"), SlugRequest("机要局", "jyj"), SlugRequest("教育局")]
    )
    assert again == slugs


def test_reserved_segments_are_not_handed_out():
    slugs, collisions = assign_slugs([SlugRequest("Page")])
    assert slugs["Page"] != "page"
    assert collisions


@given(st.lists(st.text(min_size=1, max_size=12), unique=True, max_size=20))
def test_any_names_get_unique_valid_ascii_slugs(names):
    slugs, _ = assign_slugs(SlugRequest(name) for name in names)
    assert len(set(slugs.values())) == len(names)
    assert all(VALID_SLUG.match(slug) for slug in slugs.values())
