import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.workdays import CalendarError, WorkCalendar, calendar_from_mapping

D = dt.date.fromisoformat
CAL = WorkCalendar()


def test_official_arrangements_are_known():
    # Spring Festival 2025: 1-28 to 2-4 off; Sunday 1-26 and Saturday 2-8 worked.
    assert not any(CAL.is_workday(D("2025-01-28") + dt.timedelta(i)) for i in range(8))
    assert CAL.is_workday(D("2025-01-26")) and CAL.is_workday(D("2025-02-08"))
    assert CAL.is_workday(D("2025-01-27")) and CAL.is_workday(D("2025-02-05"))
    # 国庆 2024: 10-1 to 10-7 off; Sunday 9-29 and Saturday 10-12 worked.
    assert not any(CAL.is_workday(D("2024-10-01") + dt.timedelta(i)) for i in range(7))
    assert CAL.is_workday(D("2024-09-29")) and CAL.is_workday(D("2024-10-12"))
    # 国庆 and 中秋 2025: 10-1 to 10-8 off; Sunday 9-28 and Saturday 10-11 worked.
    assert not any(CAL.is_workday(D("2025-10-01") + dt.timedelta(i)) for i in range(8))
    assert CAL.is_workday(D("2025-09-28")) and CAL.is_workday(D("2025-10-11"))
    # An ordinary weekend stays a weekend.
    assert not CAL.is_workday(D("2025-03-08")) and not CAL.is_workday(D("2025-03-09"))


def test_document_published_after_spring_festival_is_late():
    # Written Monday 2025-01-20, published 2025-02-25. Working days after the 20th:
    #   1-21..1-24 (4), Sunday 1-26 (5), 1-27 (6), [1-28..2-4 off], 2-5..2-7 (9),
    #   Saturday 2-8 (10), 2-10..2-14 (15), 2-17..2-21 (20), 2-24, 2-25 (22).
    # 36 calendar days, 22 working days: more than 20, so too late.
    assert CAL.workdays_after(D("2025-01-20"), D("2025-02-25")) == 22
    assert CAL.add_workdays(D("2025-01-20"), 20) == D("2025-02-21")


def test_twenty_working_days_across_guoqing_2024():
    # From Friday 2024-09-20: 9-23..9-27 (5), Sunday 9-29 (6), 9-30 (7), [10-1..10-7 off],
    # 10-8..10-11 (11), Saturday 10-12 (12), 10-14..10-18 (17), 10-21..10-23 (20).
    assert CAL.add_workdays(D("2024-09-20"), 20) == D("2024-10-23")
    assert CAL.workdays_after(D("2024-09-20"), D("2024-10-23")) == 20
    assert CAL.workdays_after(D("2024-09-20"), D("2024-10-24")) == 21


def test_twenty_working_days_across_guoqing_2025():
    # From Friday 2025-09-26: Sunday 9-28 (1), 9-29, 9-30 (3), [10-1..10-8 off],
    # 10-9, 10-10 (5), Saturday 10-11 (6), 10-13..10-17 (11), 10-20..10-24 (16),
    # 10-27..10-30 (20).
    assert CAL.add_workdays(D("2025-09-26"), 20) == D("2025-10-30")
    assert CAL.workdays_after(D("2025-09-26"), D("2025-10-30")) == 20


def test_three_working_days_for_an_interpretation():
    # Document published Tuesday 2025-09-30; next working days 10-9, 10-10, Saturday 10-11.
    assert CAL.add_workdays(D("2025-09-30"), 3) == D("2025-10-11")


def test_empty_and_reversed_ranges():
    day = D("2025-03-05")
    assert CAL.workdays_after(day, day) == 0
    assert CAL.workdays_after(day, D("2025-03-01")) == 0
    assert CAL.add_workdays(day, 0) == day
    with pytest.raises(ValueError):
        CAL.add_workdays(day, -1)


def test_window_across_new_year():
    # 2024-12-31 Tuesday; 2025-01-01 元旦 off; 1-2, 1-3 worked.
    assert CAL.workdays_after(D("2024-12-30"), D("2025-01-03")) == 3


def test_unknown_year_is_an_error_naming_the_year():
    with pytest.raises(CalendarError) as info:
        CAL.is_workday(D("2100-03-01"))
    assert "2100" in str(info.value) and "site.yaml" in str(info.value)
    assert info.value.year == 2100
    with pytest.raises(CalendarError, match="2099"):
        CAL.workdays_after(D("2099-12-20"), D("2100-01-10"))
    with pytest.raises(CalendarError, match="2003"):
        CAL.add_workdays(D("2003-06-01"), 5)


def test_start_in_an_unknown_year_is_fine_when_no_counted_day_is():
    # Days counted are after the start, so 2003 itself is never needed here.
    assert CAL.workdays_after(D("2003-12-31"), D("2004-01-02")) == 1


def test_years_from_site_yaml():
    cal = calendar_from_mapping(
        {
            2100: {
                "holidays": [D("2100-01-01")],  # a Friday
                "workdays": [D("2100-01-09")],  # a Saturday
            }
        }
    )
    assert not cal.is_workday(D("2100-01-01"))
    assert cal.is_workday(D("2100-01-09"))
    assert not cal.is_workday(D("2100-01-10"))
    # 1-4..1-8 (5), Saturday 1-9 (6), 1-11, 1-12 (8).
    assert cal.workdays_after(D("2099-12-31"), D("2100-01-12")) == 8
    assert cal.add_workdays(D("2099-12-31"), 6) == D("2100-01-09")
    with pytest.raises(CalendarError, match="2101"):
        cal.add_workdays(D("2100-12-01"), 40)


def test_site_yaml_wins_for_a_year_the_package_knows():
    cal = calendar_from_mapping({2025: {"holidays": [], "workdays": []}})
    assert cal.is_workday(D("2025-01-28"))  # a Tuesday, 春节 in the package
    assert not cal.is_workday(D("2025-01-26"))  # a Sunday, 调休 in the package
    assert cal.is_workday(D("2024-09-29"))  # other years still come from the package


def test_contradictions_and_unknown_keys_in_site_yaml():
    with pytest.raises(CalendarError, match="2100-01-04"):
        calendar_from_mapping(
            {2100: {"holidays": [D("2100-01-04")], "workdays": [D("2100-01-04")]}}
        )
    with pytest.raises(CalendarError, match="holiday"):
        calendar_from_mapping({2100: {"holiday": [D("2100-01-04")]}})


def test_calendars_are_values():
    assert calendar_from_mapping({}) == WorkCalendar()
    assert hash(WorkCalendar(years=frozenset({2100}))) == hash(WorkCalendar(years={2100}))


@given(
    start=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2025, 6, 30)),
    count=st.integers(min_value=0, max_value=250),
)
def test_add_then_count_round_trips(start, count):
    end = CAL.add_workdays(start, count)
    assert CAL.workdays_after(start, end) == count
    if count:
        assert CAL.is_workday(end)
        assert CAL.workdays_after(start, end - dt.timedelta(days=1)) == count - 1


@given(
    start=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 11, 30)),
    span=st.integers(min_value=0, max_value=30),
)
def test_counting_agrees_with_the_package_day_by_day(start, span):
    import chinese_calendar

    end = start + dt.timedelta(days=span)
    expected = sum(chinese_calendar.is_workday(start + dt.timedelta(i)) for i in range(1, span + 1))
    assert CAL.workdays_after(start, end) == expected
