"""Date rules in code: publication dates and relative references at the certain precision."""

from __future__ import annotations

import datetime as dt

import pytest

from summarize.core.schema import check_iso_partial
from summarize.text.dates import UPCOMING_DAYS, find_publication_date, resolve_date
from tests.helpers.paths import ROOT

SEEDS = ROOT / "seeds"
MONDAY = dt.date(2024, 7, 8)  # seed 000's date line; a Monday
WEDNESDAY = dt.date(2024, 7, 10)
SUNDAY = dt.date(2024, 7, 7)


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# --- find_publication_date -----------------------------------------------------------------
def test_seed_000_date_line() -> None:
    assert find_publication_date(seed("000")) == MONDAY


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_seeds_without_a_date(prefix: str) -> None:
    # 003 and 004 mention "Oct. 17"/"October 17" and years in the body: not a date line.
    assert find_publication_date(seed(prefix)) is None


@pytest.mark.parametrize(
    "head",
    [
        " date 2024-07-08 Bejing, China - Chinese President Xi Jinping told",
        "Published: July 8, 2024\nChinese President Xi Jinping told",
        "Published on Monday, July 8th, 2024 by Staff",
        "Posted: 8 July 2024 | World",
        "Date: 08.07.2024\nXi told Orban",
        "July 8, 2024 — Chinese President Xi Jinping told Hungarian",
        "Jul. 8, 2024 - Xi told Orban",
        "2024-07-08\nXi told Orban",
        "2024-07-08T09:30:00Z\nXi told Orban",
        "Monday, 8 July 2024\n\nXi told Orban",
        "BEIJING, July 8, 2024 (Reuters) — Chinese President Xi Jinping",
        "Beijing, China, July 8, 2024 — Chinese President Xi Jinping",
        "Xi meets Orban in Beijing\nJuly 8, 2024\nChinese President Xi Jinping",
    ],
)
def test_date_line_forms(head: str) -> None:
    assert find_publication_date(head + " said on Monday that ...") == MONDAY


def test_published_wins_over_updated() -> None:
    text = "Updated: July 9, 2024\nPublished: July 8, 2024\nXi told Orban ..."
    assert find_publication_date(text) == MONDAY
    assert find_publication_date("Updated: July 9, 2024\nXi told Orban") == dt.date(2024, 7, 9)


def test_slashed_dates_only_when_unambiguous() -> None:
    assert find_publication_date("Published 25/07/2024\nText") == dt.date(2024, 7, 25)
    assert find_publication_date("Published 07/25/2024\nText") == dt.date(2024, 7, 25)
    assert find_publication_date("Published 08/07/2024\nText") is None


@pytest.mark.parametrize(
    "text",
    [
        "Officials said the leaders met on July 8, 2024 in Beijing to discuss the war.",
        "Orban met Putin in Beijing on Oct. 17, Orban posted on Facebook.",
        "In July 2022, the Hungarian Prime Minister spoke of the failure of the West.",
        "Xi told Orban in Beijing. " * 20 + "\nPublished: July 8, 2024",  # beyond the window
        "Published: July 2024\nno day given",
        "Published: February 30, 2024\nno such day",
    ],
)
def test_not_fooled_by_body_dates(text: str) -> None:
    assert find_publication_date(text) is None


# --- resolve_date: the guide's examples and the seeds' references ---------------------------------
@pytest.mark.parametrize(
    ("words", "published", "expected"),
    [
        # seed 000/001 (published 2024-07-08, a Monday)
        ("on Monday", MONDAY, "2024-07-08"),
        ("Monday", MONDAY, "2024-07-08"),
        ("at a meeting Monday", MONDAY, "2024-07-08"),
        ("Monday night", MONDAY, "2024-07-08"),
        ("last week", MONDAY, "2024-07"),
        ("Last week", MONDAY, "2024-07"),
        ("in the past week", MONDAY, "2024-07"),
        ("this month", MONDAY, "2024-07"),
        ("two months ago", MONDAY, "2024-05"),
        ("just two months ago", MONDAY, "2024-05"),
        ("Over the weekend", MONDAY, "2024-07"),
        ("in December", MONDAY, "2023-12"),
        ("in May", MONDAY, "2024-05"),
        ("last year", MONDAY, "2023"),
        ("by 2022", MONDAY, "2022"),
        ("today", MONDAY, "2024-07-08"),
        ("yesterday", MONDAY, "2024-07-07"),
        ("tomorrow", MONDAY, "2024-07-09"),
        # seed 003/004 (absolute forms)
        ("in March 2023", None, "2023-03"),
        ("In July 2022", None, "2022-07"),
        ("In September 2023", MONDAY, "2023-09"),
        ("since February 2022", None, "2022-02"),
        ("2022", None, "2022"),
        ("October 17, 2023", None, "2023-10-17"),
        ("17 October 2023", None, "2023-10-17"),
        ("Tuesday, Oct. 17, 2023", None, "2023-10-17"),
        ("2023-10-17", None, "2023-10-17"),
        ("2023-10", None, "2023-10"),
        ("17.10.2023", None, "2023-10-17"),
    ],
)
def test_resolve(words: str, published: dt.date | None, expected: str) -> None:
    assert resolve_date(words, published) == expected


def test_month_day_without_year_takes_the_year_of_publication() -> None:
    assert resolve_date("Oct. 17", dt.date(2023, 10, 20)) == "2023-10-17"
    assert resolve_date("October 17", dt.date(2023, 12, 1)) == "2023-10-17"
    assert resolve_date("17 October", dt.date(2023, 10, 17)) == "2023-10-17"
    # Most recent occurrence not after publication: from July 2024, Oct. 17 was in 2023.
    assert resolve_date("Oct. 17", MONDAY) == "2023-10-17"


def test_month_day_just_after_publication_is_upcoming() -> None:
    # "Putin is set to meet Xi on Oct. 18" in an article of Oct. 17.
    assert resolve_date("on Oct. 18", dt.date(2023, 10, 17)) == "2023-10-18"
    limit = dt.date(2023, 10, 17) + dt.timedelta(days=UPCOMING_DAYS)
    assert resolve_date(f"{limit:%B} {limit.day}", dt.date(2023, 10, 17)) == limit.isoformat()
    assert resolve_date("December 25", dt.date(2023, 10, 17)) == "2022-12-25"


def test_future_flag_and_future_words() -> None:
    assert resolve_date("December 25", dt.date(2023, 10, 17), future=True) == "2023-12-25"
    assert resolve_date("Oct. 10", dt.date(2023, 10, 17), future=True) == "2024-10-10"
    assert resolve_date("on Friday", MONDAY, future=True) == "2024-07-12"
    assert resolve_date("on Monday", MONDAY, future=True) == "2024-07-08"
    assert resolve_date("will meet on Friday", MONDAY) == "2024-07-12"
    assert resolve_date("in March", MONDAY, future=True) == "2025-03"


def test_month_day_without_year_or_publication_uses_the_model_year_if_it_agrees() -> None:
    assert resolve_date("Oct. 17", None) is None
    assert resolve_date("Oct. 17", None, model_value="2023-10-17") == "2023-10-17"
    assert resolve_date("on Oct. 18", None, model_value="2023-10-18") == "2023-10-18"
    assert resolve_date("Oct. 17", None, model_value="2023") == "2023-10-17"
    assert resolve_date("Oct. 17", None, model_value="2023-10") == "2023-10-17"
    # The model disagrees with the words: its value is not taken.
    assert resolve_date("Oct. 17", None, model_value="2023-10-18") is None
    assert resolve_date("Oct. 17", None, model_value="2023-11-17") is None
    assert resolve_date("Oct. 17", None, model_value="next year") is None
    assert resolve_date("Oct. 17", None, model_value="2023-02-30") is None


def test_code_is_the_authority_when_it_can_resolve() -> None:
    assert resolve_date("Oct. 17", dt.date(2023, 10, 20), model_value="2022-10-17") == "2023-10-17"
    assert resolve_date("on Monday", MONDAY, model_value="2024-07-01") == "2024-07-08"
    assert resolve_date("In July 2022", None, model_value="2023-07") == "2022-07"
    assert resolve_date("last week", MONDAY, model_value="2024-07-03") == "2024-07"


def test_relative_words_need_a_publication_date() -> None:
    for words in (
        "on Monday",
        "last week",
        "two months ago",
        "this month",
        "yesterday",
        "Over the weekend",
        "in December",
        "last year",
    ):
        assert resolve_date(words, None) is None
        if words != "in December":
            assert resolve_date(words, None, model_value="2024-07-08") is None


def test_month_without_year() -> None:
    assert resolve_date("in December", None, model_value="2023-12") == "2023-12"
    assert resolve_date("in December", None, model_value="2023-12-05") == "2023-12"
    assert resolve_date("in December", None, model_value="2023-11") is None
    assert resolve_date("last March", MONDAY) == "2024-03"
    assert resolve_date("last July", MONDAY) == "2023-07"
    assert resolve_date("next March", MONDAY) == "2025-03"
    assert resolve_date("this March", MONDAY) == "2024-03"
    assert resolve_date("in August", MONDAY) == "2024-08"  # starts within UPCOMING_DAYS
    assert resolve_date("in September", MONDAY) == "2023-09"
    assert resolve_date("mid-October", dt.date(2023, 11, 2)) == "2023-10"


def test_may_the_verb_is_not_a_month() -> None:
    assert resolve_date("officials may decide", MONDAY) is None


def test_month_of_a_year_named_elsewhere() -> None:
    # seed 004: "In July 2022 ... In September of the same year"
    assert resolve_date("In September of the same year", None) is None
    assert resolve_date("In September of the same year", MONDAY) is None
    assert resolve_date("In September of the same year", None, model_value="2022-09") == "2022-09"
    assert resolve_date("In September of the same year", None, model_value="2022") == "2022-09"
    assert resolve_date("In September of the same year", None, model_value="2022-10") is None
    assert resolve_date("in March of last year", MONDAY) == "2023-03"
    assert resolve_date("March this year", MONDAY) == "2024-03"


def test_weeks() -> None:
    # Published on a Monday: the previous calendar week lies in July.
    assert resolve_date("last week", MONDAY) == "2024-07"
    # Published Wednesday 2024-07-03: last week is June 24-30.
    assert resolve_date("last week", dt.date(2024, 7, 3)) == "2024-06"
    # Published Thursday 2024-08-01: last week July 22-28.
    assert resolve_date("last week", dt.date(2024, 8, 1)) == "2024-07"
    # Published Tuesday 2024-10-01: this week is Sept 30 - Oct 6, two months of one year.
    assert resolve_date("earlier this week", dt.date(2024, 10, 1)) == "2024"
    assert resolve_date("this week", MONDAY) == "2024-07"
    assert resolve_date("next week", dt.date(2024, 7, 24)) == "2024"  # Jul 29 - Aug 4


def test_last_week_across_a_year_end() -> None:
    assert resolve_date("last week", dt.date(2024, 1, 3)) == "2023-12"  # Dec 25-31
    assert resolve_date("last week", dt.date(2025, 1, 8)) is None  # Dec 30, 2024 - Jan 5, 2025


def test_weekdays() -> None:
    assert resolve_date("on Tuesday", MONDAY) == "2024-07-02"
    assert resolve_date("on Sunday", MONDAY) == "2024-07-07"
    assert resolve_date("last Monday", MONDAY) == "2024-07-01"
    assert resolve_date("last Friday", WEDNESDAY) == "2024-07-05"
    # "last Monday" on a Wednesday: two days ago, or the Monday of last week?
    assert resolve_date("last Monday", WEDNESDAY) == "2024-07"
    assert resolve_date("next Monday", WEDNESDAY) == "2024-07-15"
    assert resolve_date("next Wednesday", MONDAY) == "2024-07"  # the 10th or the 17th
    assert resolve_date("Monday, July 8", MONDAY) == "2024-07-08"
    assert resolve_date("Tuesday, July 8", MONDAY) is None  # the words contradict themselves


def test_weekends() -> None:
    assert resolve_date("over the weekend", MONDAY) == "2024-07"  # July 6-7
    assert resolve_date("at the weekend", dt.date(2024, 7, 1)) == "2024-06"  # June 29-30
    assert resolve_date("over the weekend", dt.date(2024, 9, 2)) == "2024"  # Aug 31 - Sep 1
    assert resolve_date("this weekend", SUNDAY) == "2024-07"
    assert resolve_date("next weekend", MONDAY) == "2024-07"  # July 13-14
    assert resolve_date("over the weekend", dt.date(2024, 6, 1)) == "2024-06"  # Sat Jun 1


def test_ago() -> None:
    assert resolve_date("three days ago", MONDAY) == "2024-07-05"
    assert resolve_date("a day ago", MONDAY) == "2024-07-07"
    assert resolve_date("two weeks ago", MONDAY) == "2024-06"  # June 21-27
    assert resolve_date("a week ago", dt.date(2024, 7, 10)) == "2024"  # June 30 - July 6
    assert resolve_date("a week ago", dt.date(2024, 7, 14)) == "2024-07"  # July 4-10
    assert resolve_date("a month ago", MONDAY) == "2024-06"
    assert resolve_date("2 months ago", MONDAY) == "2024-05"
    assert resolve_date("two years ago", MONDAY) == "2022"
    assert resolve_date("a year ago", dt.date(2024, 1, 5)) == "2023"


def test_ago_with_reduced_precision() -> None:
    assert resolve_date("about two months ago", MONDAY) == "2024"
    assert resolve_date("some two months ago", MONDAY) == "2024"
    assert resolve_date("a couple of weeks ago", MONDAY) == "2024"
    assert resolve_date("around three days ago", MONDAY) == "2024-07"
    assert resolve_date("about two years ago", MONDAY) is None


@pytest.mark.parametrize(
    "words",
    [
        "more than two years ago",
        "nearly two months ago",
        "a few days ago",
        "several weeks ago",
        "two days later",
        "two months after his official visit",
        "the same day",
        "a day before",
        "recently",
        "on Mondays",
        "in recent years",
        "the 1990s",
        "2022-23",
        "at the time",
        "",
        "   ",
    ],
)
def test_unresolvable(words: str) -> None:
    assert resolve_date(words, MONDAY) is None
    assert resolve_date(words, MONDAY, model_value="2024-07-01") is None


def test_periods() -> None:
    assert resolve_date("last month", MONDAY) == "2024-06"
    assert resolve_date("next month", MONDAY) == "2024-08"
    assert resolve_date("last month", dt.date(2024, 1, 15)) == "2023-12"
    assert resolve_date("this year", MONDAY) == "2024"
    assert resolve_date("next year", MONDAY) == "2025"
    assert resolve_date("earlier this year", MONDAY) == "2024"
    assert resolve_date("at the end of last year", MONDAY) == "2023"
    assert resolve_date("the past month", MONDAY) == "2024"  # June 8 - July 7
    assert resolve_date("the past year", MONDAY) is None  # spans 2023 and 2024


def test_ranges_and_ambiguous_numeric_dates() -> None:
    assert resolve_date("Oct. 17-18", dt.date(2023, 10, 20)) == "2023-10"
    assert resolve_date("03/04/2024", None) == "2024"
    assert resolve_date("13/04/2024", None) == "2024-04-13"
    assert resolve_date("04/13/2024", None) == "2024-04-13"
    assert resolve_date("February 30, 2024", None) is None
    assert resolve_date("Feb. 29", dt.date(2024, 3, 1)) == "2024-02-29"
    assert resolve_date("Feb. 29", dt.date(2023, 3, 1)) is None  # no Feb 29 in 2023


def test_approximate_absolute_dates() -> None:
    assert resolve_date("around Oct. 17, 2023", None) == "2023-10"
    assert resolve_date("early 2023", None) == "2023"
    assert resolve_date("in late March 2023", None) == "2023-03"


def test_every_value_is_valid_iso_at_some_precision() -> None:
    words = [
        "on Monday",
        "last week",
        "Oct. 17",
        "in March 2023",
        "two months ago",
        "Over the weekend",
        "2022",
        "today",
        "in December",
        "next Wednesday",
        "a couple of weeks ago",
        "the past month",
        "Feb. 29",
        "last weekend",
    ]
    day = dt.date(2023, 1, 1)
    while day < dt.date(2025, 1, 1):
        for w in words:
            value = resolve_date(w, day)
            if value is not None:
                check_iso_partial(value)
        day += dt.timedelta(days=5)


def test_model_value_with_time_and_garbage() -> None:
    assert resolve_date("Oct. 17", None, model_value="2023-10-17T10:00:00Z") == "2023-10-17"
    assert resolve_date("Oct. 17", None, model_value="") is None
    assert resolve_date("Oct. 17", None, model_value="17 October 2023") is None


def test_find_date_mentions_keeps_the_longest_match() -> None:
    from summarize.text.dates import find_date_mentions

    text = "On October 17, 2023 the forum opened; in July 2022 he spoke. Last week, nothing."
    words = [w for _, _, w in find_date_mentions(text)]
    assert words == ["October 17, 2023", "July 2022", "Last week"]
    for start, end, w in find_date_mentions(text):
        assert text[start:end] == w


def test_context_year_prefers_the_nearest_earlier_year_then_the_latest() -> None:
    from summarize.text.dates import context_year

    text = "They met on Oct. 17. In July 2022 he spoke; in September of the same year he left."
    assert context_year(text, text.index("September")) == 2022
    assert context_year(text, text.index("Oct. 17")) == 2022
    assert context_year("No years here.", 3) is None


def test_resolve_in_text_takes_the_texts_year_for_same_year_and_flags_unplaceable() -> None:
    from summarize.text.dates import resolve_in_text

    text = "In July 2022 they struck. In September of the same year they struck again."
    at = text.index("September")
    assert resolve_in_text("September of the same year", text, at, None, "2023-09") == (
        "2022-09",
        True,
    )
    assert resolve_in_text("today", text, 0, None, None) == (None, False)
    assert resolve_in_text("today", text, 0, dt.date(2024, 3, 6), None)[1] is True


def test_a_year_that_only_bounds_a_plan_never_dates_a_yearless_day() -> None:
    """ "The plan runs to 2030" says nothing about which year "Oct. 17" was."""
    from summarize.text.dates import context_year, resolve_in_text

    text = "Ministers met on Oct. 17. The plan runs to 2030 and costs 2025 million."
    assert context_year(text, text.find("Oct")) is None
    value, _ = resolve_in_text("Oct. 17", text, text.find("Oct"), None, None)
    assert value is None or not value.startswith("2030")
    dated = "In March 2023 the court acted. Ministers met on Oct. 17. The plan runs to 2030."
    assert resolve_in_text("Oct. 17", dated, dated.find("Oct"), None, None)[0] == "2023-10-17"


def test_a_date_line_behind_dashes_gives_the_publication_date() -> None:
    from summarize.text.dates import find_publication_date

    text = "-- Strike nears\n-- By Jo Bloggs\n-- Sun May 23, 2010 2:35pm EDT\n\nBody."
    assert find_publication_date(text) == dt.date(2010, 5, 23)
