"""Read one hand-written gold file, find its quotes in the article, report every problem.

Annotators write quotes as plain strings; the loader finds their offsets, because
hand-counted offsets are error-prone and a quote that is not a byte-exact substring is the
mistake to catch. Problems are :class:`~evals.errors.GoldError` naming the file, the item
(``positions[2].party``) and the reason, all of them in one round.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evals.errors import GoldError
from evals.gold.shapes import ITEM_FIELDS, GoldSummary
from summarize.core.names import fold_text, same_name

ROOT_ITEM = "<root>"
#: The marker ``gold draft`` puts on everything it writes; a person removes it.
REVIEW_KEY = "review"


def load_gold(
    gold_path: Path, article_text: str, *, article_name: str | None = None
) -> GoldSummary:
    """Read one hand-written gold file and validate it against its article.

    ``article_text`` must be the article exactly as read (UTF-8, not normalized): offsets
    are computed in it and checked against it. When ``article_name`` is given (the suite
    loader passes the ``.txt`` file name), the file's ``"article"`` field must equal it, so a
    gold file copied under the wrong name is caught instead of silently scoring nonsense.
    """
    return load_gold_bytes(Path(gold_path), article_text, article_name)[0]


def load_gold_bytes(
    gold_path: Path, article_text: str, article_name: str | None
) -> tuple[GoldSummary, bytes]:
    """:func:`load_gold`, also returning the exact bytes parsed (hashed for provenance)."""
    raw = _read_bytes(gold_path)
    data = _parse_json(gold_path, raw)
    if not isinstance(data, dict):
        raise GoldError(
            gold_path,
            ROOT_ITEM,
            f"a gold file holds one JSON object, not {type(data).__name__}",
        )
    article = data.get("article")
    if article_name is not None and isinstance(article, str) and article != article_name:
        raise GoldError(
            gold_path,
            "article",
            f"names {article!r}, but this gold file belongs to {article_name!r}",
        )
    return parse_gold(data, article_text, gold_path), raw


def parse_gold(data: dict[str, Any], article_text: str, source: Path) -> GoldSummary:
    """Validate gold already parsed from JSON (a file, or one line of a JSONL suite).

    ``source`` names where it came from in every :class:`GoldError`. ``data`` is changed in
    place (quotes become located evidence, ``review: false`` markers are removed).
    """
    article = data.get("article")
    where = article if isinstance(article, str) and article else "the article"
    problems = review_problems(data) + _locate_quotes(data, article_text, where)
    if problems:
        raise GoldError(source, *problems[0], more=problems[1:])
    try:
        return GoldSummary.model_validate(data, context={"text": article_text})
    except ValidationError as exc:
        problems = _validation_problems(exc, data)
        raise GoldError(source, *problems[0], more=problems[1:]) from None


def review_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Items still marked ``"review": true`` (a draft no person has checked); strip the rest.

    ``newsbrief gold draft`` marks everything it writes for review, so that model output
    cannot pass for gold unnoticed: such a file is refused until a person has corrected
    each item and deleted its marker (or set it to false).
    """
    problems: list[tuple[str, str]] = []
    places: list[tuple[str, Any]] = [(ROOT_ITEM, data)]
    for field in ITEM_FIELDS:
        items = data.get(field)
        if isinstance(items, list):
            places += [(f"{field}[{i}]", item) for i, item in enumerate(items)]
    for at, item in places:
        if not isinstance(item, dict) or REVIEW_KEY not in item:
            continue
        flag = item[REVIEW_KEY]
        if flag is False:
            del item[REVIEW_KEY]
        elif flag is True:
            what = (
                "headline, summary, published and event_location"
                if at == ROOT_ITEM
                else "this item"
            )
            problems.append(
                (
                    at,
                    f"still marked for review: check {what} against the "
                    f'article, then delete "{REVIEW_KEY}"',
                )
            )
        else:
            problems.append(
                (
                    f"{at}.{REVIEW_KEY}" if at != ROOT_ITEM else REVIEW_KEY,
                    f"{REVIEW_KEY} is true or false, not {flag!r}",
                )
            )
    return problems


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GoldError(path, ROOT_ITEM, f"cannot read the file: {exc.strerror or exc}") from None


def _parse_json(path: Path, raw: bytes) -> Any:
    """Parse the file, turning encoding and syntax errors into a located GoldError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GoldError(
            path, f"byte {exc.start}", "not UTF-8 text; save gold files as UTF-8"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GoldError(
            path, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from None


def _locate_quotes(data: dict[str, Any], text: str, where: str) -> list[tuple[str, str]]:
    """Replace every evidence quote string by ``{"quote", "start", "end"}`` in place.

    The first occurrence wins (``str.find``): gold only needs *a* supporting span, and the
    first one is what a reader scanning the article meets. Evidence already given as an
    object is left for the schema to check. Shapes that are wrong in other ways are left
    alone too: validation reports them with their location.
    """
    problems: list[tuple[str, str]] = []
    for field in ITEM_FIELDS:
        items = data.get(field)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            evidence = item.get("evidence")
            if isinstance(evidence, str):
                problems.append(
                    (
                        f"{field}[{i}].evidence",
                        "evidence is a list of quote strings, not one string",
                    )
                )
                continue
            if not isinstance(evidence, list):
                continue
            located: list[Any] = []
            for j, quote in enumerate(evidence):
                if not isinstance(quote, str):
                    located.append(quote)
                    continue
                at = f"{field}[{i}].evidence[{j}]"
                if quote != quote.strip() or not quote:
                    problems.append(
                        (at, f"a quote starts and ends on a word, not on space: {quote!r}")
                    )
                    located.append(quote)
                    continue
                start = text.find(quote)
                if start < 0:
                    problems.append(
                        (at, f"quote not found in {where}: {quote!r}{_near_miss(quote, text)}")
                    )
                    located.append(quote)
                    continue
                located.append({"quote": quote, "start": start, "end": start + len(quote)})
            item["evidence"] = located
    return problems


def _near_miss(quote: str, text: str) -> str:
    """A hint when the quote differs from the article only in quote marks, dashes or spacing.

    That is the usual way a hand-copied quote goes wrong (an editor "smartens" quotes or
    re-wraps a line); saying so saves the annotator a character-by-character comparison.
    """
    if fold_text(quote) in fold_text(text):
        return (
            " (the article has it with other quote marks, dashes, letter case or spacing;"
            " copy it byte-exact)"
        )
    return ""


def _loc_path(loc: tuple[int | str, ...]) -> str:
    """``("positions", 2, "evidence", 0)`` -> ``positions[2].evidence[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or ROOT_ITEM


def _validation_problems(exc: ValidationError, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Turn pydantic's errors into (item path, reason) pairs an annotator can act on.

    Errors raised by the whole-summary validator (a position or dispute naming an unknown
    party) carry no location in pydantic; they are located here by re-running the same
    name resolution on the raw data, so the message points at ``positions[2].party``.
    That validator does not run at all while any field is invalid, so unknown parties are
    looked up in that case too: the annotator gets every problem of the file in one round.
    """
    problems: list[tuple[str, str]] = []
    references_checked = False
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        # evidence objects are our own conversion; point at the quote the annotator wrote
        if len(loc) >= 5 and loc[2] == "evidence" and loc[4] in ("quote", "start", "end"):
            loc = loc[:4]
        reason = str(err.get("msg", "invalid"))
        if reason.startswith("Value error, "):
            reason = reason[len("Value error, ") :]
        value = err.get("input")
        if err.get("type") not in ("missing", "value_error") and _short(value):
            reason += f" (got {value!r})"
        if not loc and not references_checked:
            references_checked = True
            located = _unresolved_references(data)
            if located:
                problems.extend(located)
                continue
        problems.append((_loc_path(loc), reason))
    if not references_checked:
        problems.extend(_unresolved_references(data))
    return problems or [(ROOT_ITEM, str(exc))]


def _short(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and len(repr(value)) <= 80


def _unresolved_references(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Positions' parties and dispute sides that match no party name or alias."""
    known: list[str] = []
    for party in data.get("parties") or []:
        if isinstance(party, dict):
            if isinstance(party.get("name"), str):
                known.append(party["name"])
            known.extend(a for a in party.get("aliases") or [] if isinstance(a, str))

    def unknown(name: Any) -> bool:
        return isinstance(name, str) and not any(same_name(name, k) for k in known)

    out: list[tuple[str, str]] = []
    for i, position in enumerate(data.get("positions") or []):
        if isinstance(position, dict) and unknown(position.get("party")):
            out.append(
                (
                    f"positions[{i}].party",
                    f"party {position['party']!r} is not among the parties (names or aliases)",
                )
            )
    for i, dispute in enumerate(data.get("disputes") or []):
        if not isinstance(dispute, dict):
            continue
        for j, side in enumerate(dispute.get("sides") or []):
            for k, name in enumerate(side if isinstance(side, list) else []):
                if unknown(name):
                    out.append(
                        (
                            f"disputes[{i}].sides[{j}][{k}]",
                            f"party {name!r} is not among the parties (names or aliases)",
                        )
                    )
    return out
