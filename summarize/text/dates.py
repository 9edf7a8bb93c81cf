"""Dates done in code: a small model is bad at calendar arithmetic, so it only reports words.

The model copies a date reference as written ("on Monday", "Oct. 17", "two months ago") and
may add its own ISO guess. :func:`resolve_date` turns the words into ISO 8601 at the
precision that is *certain* given the publication date (annotation guide, "Dates"); the
model's guess is used only for what code cannot know (which year "Oct. 17" was when the
article has no date, which year "the same year" is), and only when it agrees with every
part of the date the text spells out.

Forms :func:`resolve_date` understands (English, case-insensitive, leading "on"/"in"/
"since"/... ignored; the first form found in the words wins). P is the publication date.

- 2024-07-08, 2024/07/08, 2024-07 -> as written.
- July 8, 2024 / 8 July 2024 / Tuesday, Oct. 17, 2023 / 8.7.2024 (day first) -> that day.
- 13/04/2024, 04/13/2024 -> that day; 03/04/2024 (day and month could swap) -> the year.
- March 2023, in September of 2023, since February 2022 -> YYYY-MM.
- 2022, in 2022, early 2023, by 2022 -> YYYY ("the 1990s" and "2022-23" give None).
- Oct. 17, October 17th, 17 October -> that day in the year of the nearest fitting
  occurrence (below); without P, the model's year if the model agrees on month and day.
- Oct. 17-18 -> YYYY-MM by the same rule.
- in December, last March, this May, next March -> YYYY-MM by the same rule.
- September of the same (that, following, previous) year -> the model's year if its month
  agrees, with or without P (code cannot know which year the article meant);
  "March of last year", "March this year" -> from P.
- today, tonight, this morning, yesterday, tomorrow -> P, P-1, P+1.
- (on) Monday, Monday night -> the most recent Monday on or before P (future: the first on
  or after P).
- last Monday, next Monday -> the day if "the most recent (next) one" and "the one of the
  previous (next) calendar week" agree, else the month (or year) both fall in.
- last/this/next week -> the calendar week, Monday to Sunday: YYYY-MM if it lies in one
  month, YYYY if in one year, else None. "the past week" -> the seven days before P, same
  rule. "last week" before 2024-07-08 -> 2024-07.
- last/this/next month, year -> YYYY-MM, YYYY; "the past month/year" -> the 30/365 days
  before P by the same rule.
- over the weekend, at the weekend, last/this/next weekend -> the Saturday and Sunday on or
  before P (future: after): YYYY-MM if both lie in one month.
- N days ago -> P-N. N weeks ago -> the days P-7N-3 .. P-7N+3 by the week rule. N months
  ago -> the month of P-N months. N years ago -> the year.
- about, around, approximately, roughly (any form), some/a couple of (... ago) -> one
  precision level less
  (a day becomes its month, a month its year, a year None).
- more than/nearly/almost/over/at least ... ago, a few/several ... ago -> None.
- two days later, the same day, a day before, recently, on Mondays -> None (relative to
  another event, or not a date).

"Nearest fitting occurrence" for a day or month without a year: the most recent one not
after P, except that one starting at most :data:`UPCOMING_DAYS` days after P is read as
upcoming ("Putin is set to meet Xi on Oct. 18" in an article of Oct. 17). ``future=True``
(or "will", "next", "upcoming", "is set to" in the words) takes the first occurrence on or
after P instead.

Relative forms need P: without it they give None, whatever the model says (the guide:
"If it cannot be resolved, value is null").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from summarize.core.schema import check_iso_partial

# A month or day up to this many days after publication is an upcoming event, not one
# from eleven months earlier.
UPCOMING_DAYS = 31
# How far into an article a date line or dateline may start.
PUBLICATION_DATE_WINDOW = 300

_MONTHS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "couple of": 2,
}


def _month(name: str) -> str:
    return (
        rf"(?<![a-z])(?P<{name}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
        rf"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
    )


def _day(name: str) -> str:
    return rf"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])"


def _year(name: str) -> str:
    return rf"(?P<{name}>(?:1[89]|2[01])\d\d)(?![\d'’]|s\b)"


_WD = r"(?:(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
_NUM = (
    r"(?P<n>\d{1,3}|a couple of|couple of|a few|several|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve)"
)
_NOT_RANGE = r"(?!\s*[-–/]\s*\d)"

# One regex per form, tried in this order on the folded words; the first that matches wins.
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in (
        ("iso_day", r"(?<!\d)(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d)"),
        ("iso_month", r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})(?![\d-])"),
        ("mdy", _WD + _month("mon") + r"\s*" + _day("d") + r",?\s+" + _year("y")),
        ("dmy", _WD + _day("d") + r"\s+(?:of\s+)?" + _month("mon") + r",?\s+" + _year("y")),
        ("dotted", r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?!\d)"),
        ("slashed", r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?!\d)"),
        ("month_year", _month("mon") + r",?\s+(?:of\s+)?" + _year("y") + _NOT_RANGE),
        ("month_day_range", _month("mon") + r"\s*" + _day("d") + r"\s*[-–]\s*\d{1,2}(?!\d)"),
        ("month_day", _WD + _month("mon") + r"\s*" + _day("d")),
        ("day_month", _WD + r"(?:the\s+)?" + _day("d") + r"\s+(?:of\s+)?" + _month("mon")),
        (
            "month_rel_year",
            _month("mon") + r",?\s+(?:of\s+)?(?:the\s+)?"
            r"(?P<rel>same|that|following|next|previous|preceding|last|this|current)\s+year",
        ),
        (
            "ago",
            r"(?:(?P<q>just|only|exactly|about|around|some|roughly|approximately|nearly|"
            r"almost|more than|over|less than|under|at least|up to|barely|within)\s+)?"
            + _NUM
            + r"\s+(?P<unit>day|week|month|year)s?\s+ago\b",
        ),
        (
            "day_word",
            r"\b(?P<w>the day before yesterday|the day after tomorrow|today|tonight|"
            r"yesterday|tomorrow|this (?:morning|afternoon|evening))\b",
        ),
        ("weekend", r"\b(?:(?P<rel>last|this|next|past|previous|coming)\s+)?weekend\b"),
        (
            "period",
            r"\b(?P<rel>last|previous|past|this|current|next|coming)\s+"
            r"(?P<unit>week|month|year)\b",
        ),
        # Not "on Mondays": a habit, not a date.
        (
            "weekday",
            r"\b(?:(?P<rel>last|this|next|coming|past)\s+)?"
            r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        ),
        ("bare_month", r"^(?:(?P<rel>last|next|this|coming)\s+)?" + _month("mon") + r"$"),
        ("year", r"(?<![\d,.$€£])" + _year("y") + _NOT_RANGE),
    )
]
# Words that open a date reference without changing it ("on Monday", "earlier this week",
# "at the end of last year", "in mid-October"); stripped before the anchored forms.
_FILLER = re.compile(
    r"^(?:(?:on|in|at|since|from|by|until|till|through|during|as of|of|the|earlier|later|"
    r"early|late|mid|end|beginning|start|middle|around|about|before|after)\b[\s-]*)+"
)
_FILLER_KEEP = re.compile(r"^(?:last|next|this|coming)\b")
_TIME_OF_DAY = re.compile(r"\s*(?:morning|afternoon|evening|night)\s*$")
_FUTURE = re.compile(
    r"\b(?:will|next|upcoming|coming|later this|is due|are due|is set to|are set to|"
    r"scheduled|tomorrow)\b"
)
_APPROX = re.compile(r"\b(?:about|around|approximately|roughly|circa|or so)\b")
_UNCERTAIN = {
    "nearly",
    "almost",
    "more than",
    "over",
    "less than",
    "under",
    "at least",
    "up to",
    "barely",
    "within",
}


def resolve_date(
    text: str,
    published: dt.date | None,
    *,
    model_value: str | None = None,
    future: bool = False,
) -> str | None:
    """ISO 8601 for the date words ``text`` at the precision that is certain, or None.

    ``published`` anchors relative forms; ``model_value`` is the model's own ISO guess,
    used only to supply a year the words leave open (see the module table); ``future``
    says the sentence speaks of something still to come (also detected from the words).
    """
    words = _fold(text)
    if not words:
        return None
    future = future or bool(_FUTURE.search(words))
    approx = bool(_APPROX.search(words))
    model = _parse_model(model_value)
    value = _resolve(words, published, model, future)
    if value is not None and approx:
        value = _coarsen(value)
    return value


def _resolve(
    words: str,
    published: dt.date | None,
    model: tuple[int, int | None, int | None] | None,
    future: bool,
) -> str | None:
    anchored = _strip_filler(words)
    for name, pattern in _FORMS:
        match = pattern.search(anchored if name == "bare_month" else words)
        if match is None:
            continue
        handler = _HANDLERS[name]
        return handler(match, published, model, future)
    return None


def _strip_filler(words: str) -> str:
    rest = words
    while True:
        if _FILLER_KEEP.match(rest):
            break
        stripped = _FILLER.sub("", rest, count=1).strip()
        if stripped == rest:
            break
        rest = stripped
    return _TIME_OF_DAY.sub("", rest).strip(" ,.;")


# --- handlers: one per form, each returns ISO or None ---------------------------------------
_Model = tuple[int, int | None, int | None] | None
_Handler = Callable[[re.Match[str], dt.date | None, _Model, bool], str | None]


def _h_iso_day(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    return _iso_day(int(m["y"]), int(m["m"]), int(m["d"]))


def _h_iso_month(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    return _iso_month(int(m["y"]), int(m["m"]))


def _h_full(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    # An explicit day with its year is certain even if a weekday next to it disagrees.
    return _iso_day(int(m["y"]), _MONTHS[m["mon"][:3]], int(m["d"]))


def _h_dotted(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    return _iso_day(int(m["y"]), int(m["m"]), int(m["d"]))


def _h_slashed(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    if a > 12 >= b:
        return _iso_day(year, b, a)
    if b > 12 >= a:
        return _iso_day(year, a, b)
    if a == b:
        return _iso_day(year, a, b)
    # 03/04/2024: March 4 or April 3; only the year is certain.
    return str(year) if 1 <= a <= 12 and 1 <= b <= 12 else None


def _h_month_year(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    return _iso_month(int(m["y"]), _MONTHS[m["mon"][:3]])


def _h_month_day(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    month, day = _MONTHS[m["mon"][:3]], int(m["d"])
    weekday = _WEEKDAYS.index(m["wd"]) if m.groupdict().get("wd") else None
    if not _valid_month_day(month, day):
        return None
    if p is not None:
        year = _year_of_occurrence(p, month, day, future)
        candidate = _safe_date(year, month, day)
        if candidate is None or (weekday is not None and candidate.weekday() != weekday):
            return None
        return candidate.isoformat()
    if model is None:
        return None
    year, mmonth, mday = model
    if (mmonth is not None and mmonth != month) or (mday is not None and mday != day):
        return None
    candidate = _safe_date(year, month, day)
    if candidate is None or (weekday is not None and candidate.weekday() != weekday):
        return None
    return candidate.isoformat()


def _h_month_day_range(
    m: re.Match[str], p: dt.date | None, model: _Model, future: bool
) -> str | None:
    value = _h_month_day(m, p, model, future)
    return value[:7] if value else None


def _h_month_rel_year(
    m: re.Match[str], p: dt.date | None, model: _Model, future: bool
) -> str | None:
    month, rel = _MONTHS[m["mon"][:3]], m["rel"]
    if rel in ("this", "current", "last", "next") and p is not None:
        offset = {"this": 0, "current": 0, "last": -1, "next": 1}[rel]
        return _iso_month(p.year + offset, month)
    return _month_from_model(month, model)


def _h_bare_month(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    month, rel = _MONTHS[m["mon"][:3]], m["rel"]
    if p is None:
        return _month_from_model(month, model)
    if rel == "this":
        return _iso_month(p.year, month)
    if rel == "last":
        return _iso_month(p.year if month < p.month else p.year - 1, month)
    if rel in ("next", "coming"):
        return _iso_month(p.year if month > p.month else p.year + 1, month)
    if future:
        return _iso_month(p.year if month >= p.month else p.year + 1, month)
    if month <= p.month:
        return _iso_month(p.year, month)
    starts_in = (dt.date(p.year, month, 1) - p).days
    return _iso_month(p.year if starts_in <= UPCOMING_DAYS else p.year - 1, month)


def _h_ago(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    qualifier, number, unit = m["q"], m["n"], m["unit"]
    if p is None or qualifier in _UNCERTAIN or number in ("a few", "several"):
        return None
    n = int(number) if number.isdigit() else _NUMBERS[number]
    if unit == "day":
        value: str | None = (p - dt.timedelta(days=n)).isoformat()
    elif unit == "week":
        centre = p - dt.timedelta(weeks=n)
        value = _span_iso(centre - dt.timedelta(days=3), centre + dt.timedelta(days=3))
    elif unit == "month":
        value = (p - relativedelta(months=n)).isoformat()[:7]
    else:
        value = str(p.year - n)
    # "some two months ago", "a couple of weeks ago": approximate, so one level coarser
    # ("about"/"around" are handled for every form by resolve_date).
    if value is not None and (qualifier == "some" or "couple" in number):
        value = _coarsen(value)
    return value


def _h_day_word(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    if p is None:
        return None
    offset = {
        "yesterday": -1,
        "tomorrow": 1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }.get(m["w"], 0)
    return (p + dt.timedelta(days=offset)).isoformat()


def _h_weekend(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    if p is None:
        return None
    rel = m["rel"]
    saturday = p - dt.timedelta(days=(p.weekday() - 5) % 7)  # on or before p
    if rel in ("next", "coming") or (future and rel != "last"):
        saturday = p + dt.timedelta(days=(5 - p.weekday()) % 7)
        if rel == "next" and p.weekday() >= 5:
            saturday += dt.timedelta(days=7)
    elif rel in ("last", "previous", "past") and p.weekday() >= 5:
        saturday -= dt.timedelta(days=7)
    return _span_iso(saturday, saturday + dt.timedelta(days=1))


def _h_period(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    if p is None:
        return None
    rel, unit = m["rel"], m["unit"]
    step = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
    if unit == "week":
        if rel == "past":
            return _span_iso(p - dt.timedelta(days=7), p - dt.timedelta(days=1))
        monday = p - dt.timedelta(days=p.weekday()) + dt.timedelta(weeks=step[rel])
        return _span_iso(monday, monday + dt.timedelta(days=6))
    if unit == "month":
        if rel == "past":
            return _span_iso(p - dt.timedelta(days=30), p - dt.timedelta(days=1))
        return (p.replace(day=1) + relativedelta(months=step[rel])).isoformat()[:7]
    if rel == "past":
        return _span_iso(p - dt.timedelta(days=365), p - dt.timedelta(days=1))
    return str(p.year + step[rel])


def _h_weekday(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    if p is None:
        return None
    rel, weekday = m["rel"], _WEEKDAYS.index(m["wd"])
    back = (p.weekday() - weekday) % 7  # days back to the most recent such day, on or before p
    ahead = (weekday - p.weekday()) % 7
    if rel in ("last", "past"):
        # "last Monday": the most recent one before today, or the one of last week.
        recent = p - dt.timedelta(days=back or 7)
        of_last_week = p - dt.timedelta(days=p.weekday() + 7 - weekday)
        return _span_iso(min(recent, of_last_week), max(recent, of_last_week))
    if rel in ("next", "coming"):
        soonest = p + dt.timedelta(days=ahead or 7)
        of_next_week = p + dt.timedelta(days=7 - p.weekday() + weekday)
        return _span_iso(min(soonest, of_next_week), max(soonest, of_next_week))
    if future:
        return (p + dt.timedelta(days=ahead)).isoformat()
    return (p - dt.timedelta(days=back)).isoformat()


def _h_year(m: re.Match[str], p: dt.date | None, model: _Model, future: bool) -> str | None:
    return m["y"]


_HANDLERS: dict[str, _Handler] = {
    "iso_day": _h_iso_day,
    "iso_month": _h_iso_month,
    "mdy": _h_full,
    "dmy": _h_full,
    "dotted": _h_dotted,
    "slashed": _h_slashed,
    "month_year": _h_month_year,
    "month_day_range": _h_month_day_range,
    "month_day": _h_month_day,
    "day_month": _h_month_day,
    "month_rel_year": _h_month_rel_year,
    "ago": _h_ago,
    "day_word": _h_day_word,
    "weekend": _h_weekend,
    "period": _h_period,
    "weekday": _h_weekday,
    "bare_month": _h_bare_month,
    "year": _h_year,
}


# --- helpers ------------------------------------------------------------------------------
def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[‘’‚‛′`´]", "'", folded)
    folded = re.sub(r"[‐‑‒—―−]", "–", folded)
    return " ".join(folded.split())


def _parse_model(value: str | None) -> tuple[int, int | None, int | None] | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value):
        value = value[:10]
    try:
        return check_iso_partial(value)
    except ValueError:
        return None


def _month_from_model(month: int, model: _Model) -> str | None:
    """The model's year for a month the words name, if the model agrees on the month."""
    if model is None:
        return None
    year, mmonth, _ = model
    if mmonth is not None and mmonth != month:
        return None
    return _iso_month(year, month)


def _year_of_occurrence(p: dt.date, month: int, day: int, future: bool) -> int:
    """Which year a month-and-day without a year most plausibly means, seen from ``p``."""
    this_year = _safe_date(p.year, month, day) or dt.date(p.year, month, 28)
    if future:
        return p.year if this_year >= p else p.year + 1
    if this_year <= p or (this_year - p).days <= UPCOMING_DAYS:
        return p.year
    return p.year - 1


def _valid_month_day(month: int, day: int) -> bool:
    return _safe_date(2024, month, day) is not None  # 2024 is a leap year: Feb 29 is valid


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso_day(year: int, month: int, day: int) -> str | None:
    date = _safe_date(year, month, day)
    return date.isoformat() if date else None


def _iso_month(year: int, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 1 <= year <= 9999 else None


def _span_iso(first: dt.date, last: dt.date) -> str | None:
    """The finest ISO value that contains every day from ``first`` to ``last``."""
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return first.isoformat()[:7]
    if first.year == last.year:
        return str(first.year)
    return None


def _coarsen(value: str) -> str | None:
    """One precision level less: a day becomes its month, a month its year, a year None."""
    return value.rsplit("-", 1)[0] if "-" in value else None


# --- publication date -----------------------------------------------------------------------
_P_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_P_FULL = (
    r"(?i:(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
    r"(?:(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)"
    rf"|(?P<am>{_P_MONTH})\s*(?P<ad>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ay>\d{{4}})(?!\d)"
    rf"|(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<bm>{_P_MONTH}),?\s+(?P<by>\d{{4}})(?!\d)"
    r"|(?P<cd>\d{1,2})\.(?P<cm>\d{1,2})\.(?P<cy>\d{4})(?!\d)"
    r"|(?P<sa>\d{1,2})/(?P<sb>\d{1,2})/(?P<sy>\d{4})(?!\d)))"
)
_P_LABEL = re.compile(
    r"(?<![a-z])(?:date|dated|published|posted|post_date|first published|publication date)"
    r"(?:\s+on)?"
    r"\s*[:\-–—]?\s*" + _P_FULL,
    re.IGNORECASE,
)
_P_UPDATED = re.compile(
    r"\b(?:updated|last updated|last modified)(?:\s+on)?\s*[:\-–—]?\s*" + _P_FULL, re.IGNORECASE
)
_P_LINE_START = re.compile(r"^[ \t•*>|\-–—]*" + _P_FULL, re.MULTILINE)
_P_PLACE = r"[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3}"  # "BEIJING", "New York", "Kyiv"
_P_DATELINE = re.compile(
    rf"^[ \t]*{_P_PLACE}(?:,\s*{_P_PLACE})?,?\s+" + _P_FULL + r"\s*(?:[-–—(|:]|$)", re.MULTILINE
)


def find_publication_date(text: str) -> dt.date | None:
    """The publication date an article states at its top, or None (see
    :func:`find_publication_line`)."""
    found = find_publication_line(text)
    return found[0] if found else None


def publication_spans(text: str) -> list[tuple[int, int]]:
    """Every span at the top of the text that states the publication date (a page may give
    it twice: "Mon 20 Jan 2020 06.05 GMT Last modified on Mon 20 Jan 2020"). They give
    `published`, never a date of the story."""
    found = find_publication_line(text)
    if found is None:
        return []
    head = text[: PUBLICATION_DATE_WINDOW + 40]
    spans = {(found[1], found[2])}
    for pattern in (_P_LABEL, _P_UPDATED, _P_LINE_START, _P_DATELINE):
        for match in pattern.finditer(head):
            if match.start() < PUBLICATION_DATE_WINDOW and (
                _publication_match_date(match) == found[0]
            ):
                spans.add((match.start(), match.end()))
    return sorted(spans)


def find_publication_line(text: str) -> tuple[dt.date, int, int] | None:
    """The publication date an article states at its top, or None.

    Looked for in the first :data:`PUBLICATION_DATE_WINDOW` characters only, in this order:
    a labelled date ("date 2024-07-08", "Published: July 8, 2024", "Posted on 8 July
    2024"), an "Updated:" date, a date that opens a line ("July 8, 2024 — ...",
    "2024-07-08"), and a dateline ("BEIJING, July 8, 2024 (Reuters) —"). Day-level dates
    with a year only: 2024-07-08, July 8, 2024 (weekday and ordinal allowed), 8 July 2024,
    08.07.2024 (day first), and 08/07/2024 only when day and month cannot be swapped.
    A date in running prose ("met on July 8, 2024 in Beijing") is never taken.
    """
    head = text[: PUBLICATION_DATE_WINDOW + 40]
    for pattern in (_P_LABEL, _P_UPDATED, _P_LINE_START, _P_DATELINE):
        for match in pattern.finditer(head):
            if match.start() >= PUBLICATION_DATE_WINDOW:
                break
            date = _publication_match_date(match)
            if date is not None:
                return date, match.start(), match.end()
    return None


def _publication_match_date(m: re.Match[str]) -> dt.date | None:
    if m["iy"]:
        return _safe_date(int(m["iy"]), int(m["im"]), int(m["id"]))
    if m["ay"]:
        return _safe_date(int(m["ay"]), _MONTHS[m["am"][:3].lower()], int(m["ad"]))
    if m["by"]:
        return _safe_date(int(m["by"]), _MONTHS[m["bm"][:3].lower()], int(m["bd"]))
    if m["cy"]:
        return _safe_date(int(m["cy"]), int(m["cm"]), int(m["cd"]))
    a, b, year = int(m["sa"]), int(m["sb"]), int(m["sy"])
    if a > 12 >= b:
        return _safe_date(year, b, a)
    if b > 12 >= a:
        return _safe_date(year, a, b)
    if a == b:
        return _safe_date(year, a, b)
    return None


# --- finding date words in a text -------------------------------------------------------------
_MENTION_FORMS = [
    re.compile(pattern.pattern, re.IGNORECASE)
    for name, pattern in _FORMS
    if name not in ("bare_month", "iso_month")
]
_YEAR_IN_TEXT = re.compile(r"(?<![\d,.$€£])" + _year("y"))


#: Date words found only by later readings: a month after a preposition ("in April", "since
#: late April"; the capital keeps the verb "may" out) and a period relative to the date
#: before it ("the following month").
_EXTENDED_MENTIONS = [
    re.compile(
        r"\b(?i:in|since|by|until|till|from|during|through|before|after|of|early|late|"
        r"mid|end of)\s+(?:(?i:early|late|mid)[\s-]+)?(?:January|February|March|April|"
        r"May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|"
        r"Sept?\.|Oct\.|Nov\.|Dec\.)(?![\w-])(?!\s*\d)"
    ),
    re.compile(
        r"\b(?i:the\s+(?:following|next|previous|preceding|same)\s+"
        r"(?:day|week|month|year))\b"
    ),
]


def find_date_mentions(text: str, *, extended: bool = False) -> list[tuple[int, int, str]]:
    """Every date reference the forms of this module recognise: (start, end, words).

    Overlapping matches keep the longest ("October 17, 2023" over "2023"). A checklist for
    the model, which then only has to say what happened on each date, and the way code
    finds dates the model read past. ``extended`` adds the forms of
    :data:`_EXTENDED_MENTIONS` (later reading versions; the first keeps its own list).
    """
    found: list[tuple[int, int]] = []
    for pattern in _MENTION_FORMS + (_EXTENDED_MENTIONS if extended else []):
        found += [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in kept):
            kept.append((start, end))
    return [(a, b, text[a:b].strip()) for a, b in sorted(kept)]


def context_year(text: str, position: int) -> int | None:
    """The year an undated article's year-less date most plausibly has, from the text alone.

    Only years that date something count: a year written with a month ("March 2023",
    "July 8, 2024") or after "in" ("in 2022"). The nearest such year before ``position``
    ("In July 2022 ... In September of the same year"), else the latest one in the text.
    A year that only bounds a plan ("the plan runs to 2030") never dates "Oct. 17". A
    proxy for the world knowledge the guide allows, used only when the model gave no year.
    """
    years = [
        (m.start(), int(m.group("y")))
        for m in _YEAR_IN_TEXT.finditer(text)
        if _DATING_YEAR.search(text[max(0, m.start() - 16) : m.start()])
    ]
    before = [year for start, year in years if start < position]
    if before:
        return before[-1]
    return max((year for _, year in years), default=None)


# What may stand right before a year that dates an event: a month (with a day), or "in".
_DATING_YEAR = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{1,2}"
    r"(?:st|nd|rd|th)?)?,?\s*|\bin\s+|\bof\s+)$",
    re.IGNORECASE,
)


_SAME_YEAR = re.compile(r"\b(?:same|that) year\b", re.I)
# A date text that names a year, a month or a day number can be placed without a
# publication date; "today", "last week" or "on Monday" cannot.
_PLACEABLE = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


def resolve_in_text(
    words: str,
    text: str,
    position: int,
    published: dt.date | None,
    model_value: str | None,
    *,
    future: bool = False,
) -> tuple[str | None, bool]:
    """``(value, placeable)`` of date ``words`` found at ``position`` of ``text``.

    With a publication date this is :func:`resolve_date`. Without one, a year-less date
    takes its year from the text (:func:`context_year`) or stays without a value: the
    model's own guess of a year is not used. ``future`` says the clause speaks of what is
    to come (the next Monday, not the last). ``placeable`` is False for a relative date
    ("today", "on Monday") that nothing in an undated text can anchor.
    """
    hint = model_value
    if published is None:
        # The year comes from the text; a small model's own guess of a year-less date's
        # year is not knowledge (it put a 2004 story's "December 28th" in 2008).
        year = context_year(text, position)
        hint = str(year) if year else None
    value = resolve_date(words, published, model_value=hint, future=future)
    placeable = value is not None or published is not None or bool(_PLACEABLE.search(words))
    return value, placeable


# --- the dateline ----------------------------------------------------------------------------
_DATELINE_PLACE = re.compile(
    r"(?P<place>[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3}(?:,\s*[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*)"
    r"{0,3}){0,2}),?\s*(?:\([^)\n]{1,40}\)\s*)?[-–—]+\s"
)


def dateline_span(text: str) -> tuple[int, int] | None:
    """Where the dateline's place stands ("Bejing, China - Chinese President ..." ->
    "Bejing, China"), or None. A dateline opens the first paragraph of the body (after any
    publication date, and after a title line of its own) and ends with a dash; it gives
    the event's location, never a party or a speaker."""
    start = 0
    spans = publication_spans(text)
    if spans:
        start = max(b for _, b in spans)
    head = text[start : start + PUBLICATION_DATE_WINDOW]
    # the first two paragraphs: a title line may stand above the body
    starts = [len(head) - len(head.lstrip())]
    cut = head.find("\n\n", starts[0])
    if cut >= 0:
        starts.append(cut + len(head[cut:]) - len(head[cut:].lstrip()))
    for offset in starts:
        m = _DATELINE_PLACE.match(head, offset)
        if m is None or "\n" in m.group(0) or not head[m.end() : m.end() + 1].isupper():
            continue  # "Haddad – who said ...": a dash inside a sentence, not a dateline
        place = m.group("place")
        if not (spans or "," in place or place.isupper() or "(" in m.group(0)):
            continue  # a dateline is "CITY -", "City, Country -" or "City (Agency) -"
        return start + m.start("place"), start + m.end("place")
    return None
