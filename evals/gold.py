"""Hand-written gold annotations: their shapes, their on-disk form and the suite loader.

Gold is the yardstick every quality number in the project is measured against, so it obeys
the same rules as a prediction: the gold item classes *subclass* the prediction shapes of
:mod:`summarize.core.schema` and inherit every validator (quote length, ISO precision,
references that resolve, distinct dispute sides). The only addition is ``required``: an item
a careful reader could reasonably omit is marked ``required: false`` so that a prediction is
not penalised for missing it (see ``evals/ANNOTATION_GUIDE.md``).

On disk a gold file is written by hand, so quotes are plain strings and the loader finds
their offsets: hand-counting character offsets is error-prone, and a quote that is not a
byte-exact substring of the article is exactly the mistake the loader must catch. Every
problem is reported as :class:`GoldError` naming the file, the item (``positions[2].party``)
and the reason, so that the annotator can fix it without a debugger.

A gold file looks like ``ArticleSummary.model_dump(mode="json")`` plus a top-level
``"article": "<stem>.txt"``, a ``"required"`` flag on items, and ``evidence`` as a list of
quote strings::

    {"article": "000_x.txt", "headline": "...", "summary": "...", "published": null,
     "event_location": "Beijing, China",
     "parties": [{"name": "Viktor Orban", "kind": "person", "role": "...", "aliases": [],
                  "evidence": ["Hungarian Prime Minister Viktor Orban"], "required": true}],
     "positions": [], "dates": [], "disputes": []}
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from summarize.core.names import same_name
from summarize.core.schema import ArticleSummary, DateRef, Dispute, Party, Position

ITEM_FIELDS: tuple[str, ...] = ("parties", "positions", "dates", "disputes")
ROOT_ITEM = "<root>"
_MAX_LISTED_PROBLEMS = 8
_SUITE_HASH_VERSION = b"newsbrief-suite-v1\0"


# --- shapes ------------------------------------------------------------------------------
class GoldParty(Party):
    """A gold party; ``required=False`` when a careful reader could reasonably omit it."""

    required: bool = Field(default=True, strict=True)


class GoldPosition(Position):
    """A gold position; ``required=False`` when a careful reader could reasonably omit it."""

    required: bool = Field(default=True, strict=True)


class GoldDateRef(DateRef):
    """A gold date; ``required=False`` e.g. when resolving it needed outside knowledge."""

    required: bool = Field(default=True, strict=True)


class GoldDispute(Dispute):
    """A gold dispute; ``required=False`` when a careful reader could reasonably omit it."""

    required: bool = Field(default=True, strict=True)


class GoldSummary(ArticleSummary):
    """The gold structured summary of one article (``article`` is the seed's file name)."""

    article: str = Field(min_length=1)
    parties: list[GoldParty] = Field(default_factory=list)  # type: ignore[assignment]
    positions: list[GoldPosition] = Field(default_factory=list)  # type: ignore[assignment]
    dates: list[GoldDateRef] = Field(default_factory=list)  # type: ignore[assignment]
    disputes: list[GoldDispute] = Field(default_factory=list)  # type: ignore[assignment]


# --- errors ------------------------------------------------------------------------------
class GoldError(ValueError):
    """A gold file breaks the annotation guide; says which file, which item and why.

    ``problems`` holds every (item, reason) found in one pass (the first is ``item`` and
    ``reason``), so an annotator can fix a whole file in one round instead of one per run.
    """

    def __init__(
        self,
        path: Path,
        item: str,
        reason: str,
        more: list[tuple[str, str]] | None = None,
    ) -> None:
        self.path = path
        self.item = item
        self.reason = reason
        self.problems: list[tuple[str, str]] = [(item, reason), *(more or [])]
        message = f"{_display(path)}: {item}: {reason}"
        extra = self.problems[1:]
        if extra:
            listed = extra[:_MAX_LISTED_PROBLEMS]
            message += f"\n  ({len(extra)} more problem{'s' if len(extra) > 1 else ''})"
            message += "".join(f"\n  {i}: {r}" for i, r in listed)
            if len(extra) > len(listed):
                message += f"\n  ... and {len(extra) - len(listed)} more"
        super().__init__(message)


def _display(path: Path) -> str:
    """The path relative to the working directory when it lies below it (shorter messages)."""
    try:
        return os.fspath(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return os.fspath(path)


# --- loading -----------------------------------------------------------------------------
def load_gold(
    gold_path: Path, article_text: str, *, article_name: str | None = None
) -> GoldSummary:
    """Read one hand-written gold file and validate it against its article.

    ``article_text`` must be the article exactly as read (UTF-8, not normalized): offsets
    are computed in it and checked against it. When ``article_name`` is given (the suite
    loader passes the ``.txt`` file name), the file's ``"article"`` field must equal it, so a
    gold file copied under the wrong name is caught instead of silently scoring nonsense.
    """
    return _load_gold(Path(gold_path), article_text, article_name)[0]


def _load_gold(
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
    where = article if isinstance(article, str) and article else "the article"

    problems = _locate_quotes(data, article_text, where)
    if problems:
        raise GoldError(gold_path, *problems[0], more=problems[1:])
    try:
        return GoldSummary.model_validate(data, context={"text": article_text}), raw
    except ValidationError as exc:
        problems = _validation_problems(exc, data)
        raise GoldError(gold_path, *problems[0], more=problems[1:]) from None


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


_LOOSE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _loose(s: str) -> str:
    return " ".join(s.translate(_LOOSE).split()).casefold()


def _near_miss(quote: str, text: str) -> str:
    """A hint when the quote differs from the article only in quote marks, dashes or spacing.

    That is the usual way a hand-copied quote goes wrong (an editor "smartens" quotes or
    re-wraps a line); saying so saves the annotator a character-by-character comparison.
    """
    if _loose(quote) in _loose(text):
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


# --- suites ------------------------------------------------------------------------------
@dataclass
class GoldCase:
    """One article of a suite, with its gold when the suite has gold for it.

    ``path`` is the article file. ``gold_path`` and ``gold_sha256`` (of the exact gold
    bytes parsed) record where the gold came from, for run provenance.
    """

    article_id: str
    path: Path
    text: str
    gold: GoldSummary | None
    gold_path: Path | None = None
    gold_sha256: str | None = None


def load_suite(articles_dir: Path, gold_dir: Path | None) -> list[GoldCase]:
    """Every ``*.txt`` article of ``articles_dir`` (sorted by name) with its gold, if any.

    Gold for article ``<stem>.txt`` is ``gold_dir/<stem>.json``; an article without a gold
    file gets ``gold=None`` (a batch suite may have no gold at all), and gold files without
    an article are ignored (a suite may be a subset of the gold). Articles are read as UTF-8
    and never normalized: evidence offsets index into exactly this text.
    """
    articles_dir = Path(articles_dir)
    if not articles_dir.is_dir():
        raise FileNotFoundError(f"no such articles directory: {articles_dir}")
    if gold_dir is not None:
        gold_dir = Path(gold_dir)
        if not gold_dir.is_dir():
            raise FileNotFoundError(f"no such gold directory: {gold_dir}")
    cases: list[GoldCase] = []
    for path in sorted(articles_dir.glob("*.txt"), key=lambda p: p.name):
        text = path.read_text(encoding="utf-8")
        gold: GoldSummary | None = None
        gold_path: Path | None = None
        digest: str | None = None
        candidate = gold_dir / f"{path.stem}.json" if gold_dir is not None else None
        if candidate is not None and candidate.is_file():
            gold_path = candidate
            gold, raw = _load_gold(candidate, text, path.name)
            digest = hashlib.sha256(raw).hexdigest()
        cases.append(GoldCase(path.stem, path, text, gold, gold_path, digest))
    return cases


def default_suite() -> tuple[Path, Path]:
    """(articles, gold) of the built-in seed suite: package data (``seeds/`` ships as
    ``evals.seeds``), found with importlib.resources wherever newsbrief is installed, never
    from the cwd."""
    from importlib.resources import files

    from summarize.resources import resource_dir

    return resource_dir("evals.seeds", "seeds"), Path(str(files("evals") / "gold"))


def suite_hash(cases: list[GoldCase]) -> str:
    """sha256 over the suite's article texts and gold file bytes, for run provenance.

    Independent of the order of ``cases``; any change to an article or its gold, or a gold
    file added or removed, changes the hash. Each part is length-prefixed so that moving
    bytes from one article to the next cannot produce the same hash.
    """
    h = hashlib.sha256(_SUITE_HASH_VERSION)

    def part(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)

    for case in sorted(cases, key=lambda c: c.article_id):
        part(case.article_id.encode("utf-8"))
        part(case.text.encode("utf-8"))
        if case.gold_sha256 is not None:
            gold_digest = case.gold_sha256
        elif case.gold_path is not None and case.gold_path.is_file():
            gold_digest = hashlib.sha256(case.gold_path.read_bytes()).hexdigest()
        elif case.gold is not None:
            gold_digest = hashlib.sha256(case.gold.model_dump_json().encode()).hexdigest()
        else:
            gold_digest = "-"
        part(gold_digest.encode("ascii"))
    return h.hexdigest()
