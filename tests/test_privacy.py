import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from generator.privacy import (
    BANK_CARD,
    MOBILE,
    RESIDENT_ID,
    Finding,
    find_personal_numbers,
    luhn_valid,
    valid_resident_id,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECKS = "10X98765432"


def id_check(body: str) -> str:
    return CHECKS[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def luhn_check(body: str) -> str:
    return next(d for d in "0123456789" if luhn_valid(body + d))


ID = "11010519491231002X"  # the worked example of GB 11643-1999
CARD = "6222021234567894"  # 622202123456789 + Luhn check digit


def kinds(text: str, allowed=()) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_numbers(text, allowed)]


def test_check_functions():
    assert valid_resident_id(ID) and valid_resident_id(ID.lower())
    assert not valid_resident_id(ID[:-1] + "1")
    assert not valid_resident_id("9" + ID[1:])  # first digit 9 is no region
    body = "11010520251301123"  # month 13
    assert not valid_resident_id(body + id_check(body))
    body = "11010518991231002"  # born before 1900
    assert not valid_resident_id(body + id_check(body))
    body = "11010520300101002"  # born in the future
    assert not valid_resident_id(body + id_check(body), today=dt.date(2025, 1, 1))
    assert luhn_valid(CARD) and luhn_valid("6222 0212 3456 7894")
    assert not luhn_valid("6222021234567895") and not luhn_valid("") and not luhn_valid("12a4")


def test_each_kind_with_line_numbers():
    text = f"第一行\n申请人身份证号：{ID}。\n联系电话13812345678，\n收款账号{CARD}\n"
    assert find_personal_numbers(text) == [
        Finding(RESIDENT_ID, ID, 2),
        Finding(MOBILE, "13812345678", 3),
        Finding(BANK_CARD, CARD, 4),
    ]


def test_several_findings_on_one_line_and_later_lines():
    text = f"{ID} 13812345678\n\n\n15912345678"
    assert [(f.kind, f.line) for f in find_personal_numbers(text)] == [
        (RESIDENT_ID, 1),
        (MOBILE, 1),
        (MOBILE, 4),
    ]


@pytest.mark.parametrize(
    "written",
    [
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "86 13812345678",
        "+8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_forms(written):
    assert kinds(f"联系人：王某，{written}。") == [(MOBILE, written)]


@pytest.mark.parametrize(
    "written", ["6222 0212 3456 7894", "6222-0212-3456-7894", "6222021234567894"]
)
def test_bank_card_forms(written):
    assert kinds(f"开户账号：{written}") == [(BANK_CARD, written)]


def test_grouped_nineteen_digit_card():
    card = "622202123456789012"
    card += luhn_check(card)
    grouped = " ".join(card[i : i + 4] for i in range(0, 19, 4))
    assert kinds(f"卡号 {grouped}") == [(BANK_CARD, grouped)]


@pytest.mark.parametrize(
    "text",
    [
        "成文日期：20250305",
        "2025年3月5日至20251231",
        "索引号：11999900MB0000001X/2025-00012",
        "统一社会信用代码：11999900MB0000009X",
        "统一社会信用代码：91110108MA01C5XK3R",
        "联系电话：0123-5551201，传真：(0123)5551201，（0123）5551202",
        "咨询电话 0123-55512011 转 8001",
        "总金额 1,234,567.89 元，其中 13812345678.50 元为上年结转",
        "示政办〔2025〕12号、示政发〔2025〕3号",
        "邮政编码：100000",
        "订单号 A13812345678，编号 13812345678B，序列 213812345678",
        "流水号 62220212345678940",  # 17 digits is no card here: its Luhn fails
        "证书编号 0000000000000000",  # issuers' numbers never start with 0
        "随机数字 110105194912310021",  # 18 digits, wrong ID check, fails Luhn
    ],
)
def test_no_false_positives_on_common_government_text(text):
    assert find_personal_numbers(text) == []


def test_not_taken_out_of_longer_runs():
    assert kinds(f"9{ID}") == []
    assert kinds(f"{CARD}0000") == []
    assert kinds("138123456789") == []
    assert kinds("6222 0212 3456 7894 5678") == []
    assert kinds("2025 138 1234 5678") == []


def test_allowlist_compares_digits_only():
    text = f"热线 138 1234 5678，+86 139 1234 5678，卡号 {CARD}，证件 {ID.lower()}"
    allowed = ["13812345678", "139-1234-5678", "6222 0212 3456 7894", ID]
    assert find_personal_numbers(text, allowed) == []
    assert [f.kind for f in find_personal_numbers(text, ["13812345678"])] == [
        MOBILE,
        BANK_CARD,
        RESIDENT_ID,
    ]


regions = st.integers(min_value=110000, max_value=829999).map(str)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@given(regions, births, sequences)
def test_ids_with_a_correct_check_character_are_found(region, born, sequence):
    body = region + born.strftime("%Y%m%d") + sequence
    number = body + id_check(body)
    assert kinds(f"身份证号码：{number}，") == [(RESIDENT_ID, number)]


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_ids_with_a_wrong_check_character_are_not(region, born, sequence, check):
    body = region + born.strftime("%Y%m%d") + sequence
    assume(check != id_check(body))
    number = body + check
    assert not valid_resident_id(number)
    # A wrong ID may still happen to pass Luhn as a card; it is never reported as an ID.
    assert RESIDENT_ID not in [kind for kind, _ in kinds(f"身份证号码：{number}，")]


cards = st.tuples(
    st.integers(min_value=1, max_value=9).map(str),
    st.integers(min_value=15, max_value=18).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n - 1, max_size=n - 1)
    ),
).map(lambda parts: parts[0] + parts[1] + luhn_check(parts[0] + parts[1]))


@given(cards)
def test_luhn_numbers_are_found_as_cards(number):
    assert 16 <= len(number) <= 19
    assume(not valid_resident_id(number))
    assert kinds(f"账号{number}。") == [(BANK_CARD, number)]


@given(cards, st.integers(min_value=1, max_value=9))
def test_the_same_with_the_last_digit_changed_are_not(number, shift):
    changed = number[:-1] + str((int(number[-1]) + shift) % 10)
    assert not luhn_valid(changed)
    assert BANK_CARD not in [kind for kind, _ in kinds(f"账号{changed}。")]


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_mobile_number_is_found_in_all_three_forms(second, rest):
    number = "1" + second + rest
    for written in (number, f"{number[:3]} {number[3:7]} {number[7:]}", f"+86{number}"):
        assert kinds(f"电话：{written}") == [(MOBILE, written)]
