"""The pipeline: article text in, grounded ArticleSummary out.

    text ──inputs──▶ article ──prompting──▶ messages ──backend──▶ SummaryDraft
         ──resolver──▶ evidence offsets (re-ask once for quotes not found)
         ──dates──▶ ISO values ──merge──▶ ArticleSummary (validated against the text)

The model does what only a model can (read, name, paraphrase); code does what code does
better: finding character offsets, calendar arithmetic, merging duplicate parties and
checking references. Items whose evidence cannot be found in the text are *dropped* from the
summary and reported in ``SummaryRun.dropped``: an ungrounded item is never passed off as
grounded. This module knows backends only through the ``StructuredBackend`` protocol.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from pydantic import BaseModel, ValidationError

from summarize import dates as date_rules
from summarize import guard
from summarize.checklists import (
    NameGroup,
    candidate_groups,
    candidate_names,
    date_words,
    parties_named_near,
    statement_sentences,
)
from summarize.chunking import (
    Chunk,
    canonical_party_name,
    chars_for_tokens,
    merge_parties,
    merge_summaries,
    split_into_chunks,
)
from summarize.core.backend import CallRecord, StructuredBackend
from summarize.core.draft import (
    DRAFT_LIMITS,
    MAX_STATEMENTS,
    PARTY_KINDS,
    PASS_SHAPES,
    QUOTE_CHARS,
    CastDraft,
    DateDraft,
    DisputeDraft,
    PartyDraft,
    PositionDraft,
    QuoteFixes,
    Statement,
    StatementsDraft,
    SummaryDraft,
    cast_shape,
    restrict_party_names,
)
from summarize.core.names import split_title
from summarize.core.result import DroppedItem, MaskedSpan, SummaryRun
from summarize.core.schema import MAX_HEADLINE_WORDS, ArticleSummary, Evidence
from summarize.errors import BackendError, InputError, OutputValidationError, UnknownPromptError
from summarize.inputs import DEFAULT_MAX_CHARS, load_text
from summarize.prompting import PromptTemplate, load_prompt
from summarize.providers.registry import resolve_backend
from summarize.resolver import align_quote, find_mention, fit_quote_length

# Tokens of instructions around the article in the longest prompt template (measured: v1's
# user.j2 + system.j2 render to ~350 tokens without the article; kept with a margin).
PROMPT_TOKENS = 700
#: Output tokens of one sentence's label: about 40 for a full answer, far less for "none".
STATEMENT_MAX_TOKENS = 96
# Article characters per chunk for endpoints whose window we do not know (~8k tokens).
ENDPOINT_CHUNK_CHARS = 24_000
CHUNK_OVERLAP_CHARS = 600

Draft = PartyDraft | PositionDraft | DateDraft | DisputeDraft
FIELDS = ("parties", "positions", "dates", "disputes")


class Summarizer:
    """A configured pipeline: one backend and one prompt, reused across articles.

    Build it once and call :meth:`run` per article; the backend (and the embedded model in
    it) is loaded once. ``params`` are recorded by eval runs, so everything that changes the
    output belongs there.
    """

    def __init__(
        self,
        model: str | StructuredBackend | None = None,
        prompt: str | None = None,
        *,
        max_retries: int = 2,
        reground: bool = True,
        max_tokens: int = 1800,
        max_chars: int = DEFAULT_MAX_CHARS,
        max_chunk_chars: int | None = None,
        backend_options: dict[str, Any] | None = None,
    ) -> None:
        self.backend = resolve_backend(model, **(backend_options or {}))
        self.prompt: PromptTemplate = load_prompt(prompt)
        self.max_retries = max_retries
        self.reground = reground
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.max_chunk_chars = max_chunk_chars

    @property
    def prompt_name(self) -> str:
        return self.prompt.name

    @property
    def prompt_hash(self) -> str:
        return self.prompt.content_hash

    @property
    def params(self) -> dict[str, Any]:
        return {
            "max_retries": self.max_retries,
            "reground": self.reground,
            "max_tokens": self.max_tokens,
            "max_chunk_chars": self.max_chunk_chars,
            "temperature": getattr(self.backend, "temperature", None),
            "seed": getattr(self.backend, "seed", None),
        }

    def run(self, text: str, *, published: dt.date | str | None = None) -> SummaryRun:
        """Summarize one article; raise a SummarizeError subclass on failure.

        An article longer than the model's window (less the prompt and the answer) is split
        into overlapping chunks, each summarized alone, and the parts merged with evidence
        offsets into the whole text.
        """
        started = time.perf_counter()
        article = load_text(text, max_chars=self.max_chars)
        published_date = _parse_published(published) or date_rules.find_publication_date(article)
        calls: list[CallRecord] = []
        raw_outputs: list[str] = []
        dropped: list[DroppedItem] = []
        chunks = split_into_chunks(article, max_chars=self.chunk_chars,
                                   overlap_chars=min(CHUNK_OVERLAP_CHARS, self.chunk_chars // 4))
        parts: list[tuple[Chunk, ArticleSummary]] = []
        last_error: OutputValidationError | None = None
        try:
            for chunk in chunks:
                try:
                    summary = self._summarize_part(chunk.text, published_date, calls,
                                                   raw_outputs, dropped)
                except OutputValidationError as exc:
                    if len(chunks) == 1:
                        raise
                    # One unusable chunk of a long article costs that chunk, not the article;
                    # it is reported, and the error is raised if no chunk succeeds.
                    calls += exc.calls
                    exc.calls = []
                    dropped.append(DroppedItem(
                        field="chunks", reason=str(exc),
                        item={"index": chunk.index, "start": chunk.start, "end": chunk.end},
                    ))
                    last_error = exc
                    continue
                parts.append((chunk, summary))
            if not parts and last_error is not None:
                raise last_error
        except BackendError as exc:
            exc.calls = [*calls, *exc.calls]  # earlier passes and chunks cost something too
            raise
        summary = parts[0][1] if len(parts) == 1 else merge_summaries(parts, article)
        return SummaryRun(
            summary=summary,
            model=self.backend.model_id,
            prompt=self.prompt.name,
            calls=calls,
            raw_outputs=raw_outputs,
            dropped=dropped,
            masked=[MaskedSpan(start=a, end=b, text=article[a:b])
                    for a, b in guard.instruction_spans(article)],
            chunks=len(chunks),
            wall_s=time.perf_counter() - started,
        )

    @property
    def chunk_chars(self) -> int:
        """Article characters that fit the window beside the prompt and the answer."""
        if self.max_chunk_chars:
            return self.max_chunk_chars
        window = getattr(self.backend, "n_ctx", None)
        if not window:
            return ENDPOINT_CHUNK_CHARS
        return max(2_000, chars_for_tokens(window - self.max_tokens - PROMPT_TOKENS))

    def _summarize_part(self, article: str, published_date: dt.date | None,
                        calls: list[CallRecord], raw_outputs: list[str],
                        dropped: list[DroppedItem]) -> ArticleSummary:
        """Extract, ground and assemble one article (or one chunk of a long one).

        The model is shown the text with the paragraphs that address a model masked
        (:mod:`summarize.guard`); grounding aligns to the unmasked text, where those spans
        count as boilerplate, so nothing from them can become evidence.
        """
        shown = guard.mask(article, guard.instruction_spans(article))
        variables = {"article": shown, "published": published_date.isoformat()
                     if published_date else None}
        draft = self._extract(variables, calls, raw_outputs)
        grounder = _Grounder(article)
        evidence = grounder.ground_all(draft)
        missing = [(field, i) for field, i in _all_items(draft) if (field, i) not in evidence]
        if missing and self.reground and self.prompt.has("reground.j2"):
            fixes = self._reground(draft, missing, variables)
            calls += fixes.calls
            raw_outputs.append(fixes.raw_output or "")
            for fix in fixes.value.fixes:
                if 0 <= fix.item < len(missing):
                    field, i = missing[fix.item]
                    span = grounder.align(fix.quote)
                    if span is not None:
                        evidence[(field, i)] = span
        summary, part_dropped = _assemble(draft, evidence, article, published_date)
        dropped += part_dropped
        return summary

    def _extract(self, variables: dict[str, Any], calls: list[CallRecord],
                 raw_outputs: list[str]) -> SummaryDraft:
        """Run the prompt's passes and combine them into one draft.

        A one-pass prompt (``"passes": ["extract"]``) fills the whole SummaryDraft at once.
        A multi-pass prompt asks for parties first; later passes see their names and, through
        a schema restricted to those names, can only refer to them.
        """
        combined: dict[str, Any] = {"headline": "", "summary": ""}
        party_names: list[str] = []
        article = variables["article"]
        checklists = {"candidates": candidate_names(article), "date_words": date_words(article),
                      "sentences": statement_sentences(article)}
        for step in self.prompt.passes:
            if step not in PASS_SHAPES:
                raise UnknownPromptError(f"prompt {self.prompt.name!r} names unknown pass {step!r}")
            if step in ("positions", "disputes", "statements", "statement") and not party_names:
                continue  # nothing to take a position or to disagree
            if step in ("statements", "statement") and not checklists["sentences"]:
                continue  # no sentence reports what anyone says or wants
            if step == "statement":
                combined.update(self._label_sentences(checklists, combined["parties"],
                                                      variables, calls, raw_outputs))
                continue
            groups = candidate_groups(article) if step == "cast" else []
            if step == "cast" and not groups:
                continue  # no capitalised name at all: nobody to cast
            shape = (cast_shape([g.name for g in groups]) if step == "cast"
                     else restrict_party_names(PASS_SHAPES[step], party_names))
            template = self.prompt.template_for(step)
            result = self.backend.generate(
                self.prompt.messages(template, parties=party_names,
                                     names=[g.name for g in groups], **checklists, **variables),
                shape,
                purpose=step,
                max_retries=self.max_retries,
                max_tokens=self.max_tokens,
            )
            calls += result.calls
            raw_outputs.append(result.raw_output or "")
            if isinstance(result.value, StatementsDraft):
                produced = result.value.as_draft_fields(checklists["sentences"])
            elif isinstance(result.value, CastDraft):
                produced = {"parties": _cast_parties(groups, result.value)}
            else:
                produced = result.value.model_dump()
            for field in ("parties", "dates"):
                for item in produced.get(field, []):
                    item.setdefault("quote", "")  # quote-less passes: grounded by mention
            if "parties" in produced:
                produced["parties"] = [_untitled(p) for p in produced["parties"]]
                party_names = [n for p in produced["parties"] for n in [p["name"]]]
            combined.update(produced)
        # Passes may list a little more than the combined shape allows; keep the first ones.
        for field, limit in DRAFT_LIMITS.items():
            combined[field] = combined.get(field, [])[:limit]
        try:
            return SummaryDraft.model_validate(combined)
        except ValidationError as exc:
            raise OutputValidationError(
                f"the passes of {self.prompt.name} do not combine into a draft: {exc}",
                raw_output=json.dumps(combined, default=str),
            ) from None

    def _label_sentences(self, checklists: dict[str, Any], parties: list[dict[str, Any]],
                         variables: dict[str, Any], calls: list[CallRecord],
                         raw_outputs: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The per-sentence statements pass: one short call per statement sentence.

        Asked about one sentence at a time, a small model cannot copy its previous item
        (asked for a list, a 1.5B model repeats the first topic for every party). The
        article prefix of each call is the same, so its KV cache is reused; a sentence whose
        answer fails validation costs only that sentence. The schema of each call offers
        only the parties named in or just before the sentence, and a sentence near no party
        is not asked about at all.
        """
        template = self.prompt.template_for("statement")
        statements = []
        for n, sentence in enumerate(checklists["sentences"], start=1):
            party_names = parties_named_near(sentence, variables["article"], parties)
            if not party_names:
                continue
            shape = restrict_party_names(PASS_SHAPES["statement"], party_names)
            try:
                result = self.backend.generate(
                    self.prompt.messages(template, parties=party_names, sentence=sentence,
                                         **checklists, **variables),
                    shape, purpose="statement", max_retries=self.max_retries,
                    max_tokens=STATEMENT_MAX_TOKENS,
                )
            except OutputValidationError as exc:
                calls += exc.calls
                raw_outputs.append(exc.raw_output or "")
                continue
            calls += result.calls
            raw_outputs.append(result.raw_output or "")
            if result.value.party:
                statements.append(Statement(n=n, **result.value.model_dump()))
        return StatementsDraft(statements=statements[:MAX_STATEMENTS]).as_draft_fields(
            checklists["sentences"])

    def _reground(self, draft: SummaryDraft, missing: list[tuple[str, int]],
                  variables: dict[str, Any]):
        """Ask once more, only for the items whose quotes were not found."""
        items = [_describe(field, getattr(draft, field)[i]) for field, i in missing]
        try:
            return self.backend.generate(
                self.prompt.messages("reground.j2", items=items, **variables),
                QuoteFixes,
                purpose="reground",
                max_retries=1,
                max_tokens=40 * len(items) + 20,
            )
        except OutputValidationError as exc:
            # A failed re-ask costs the items it was about, not the whole summary.
            return _NoFixes(calls=[], raw_output=exc.raw_output)


class _NoFixes(BaseModel):
    calls: list[CallRecord]
    raw_output: str | None = None

    @property
    def value(self) -> QuoteFixes:
        return QuoteFixes()


def summarize_article(
    text: str,
    *,
    published: dt.date | str | None = None,
    model: str | StructuredBackend | None = None,
    prompt: str | None = None,
) -> ArticleSummary:
    """A typed, source-grounded structured summary of one news article.

    ``published`` anchors relative dates ("on Monday"); without it a date line or dateline in
    the text is used. ``model`` is a model string (``local/qwen2.5-coder-1.5b`` by default,
    ``openai/<name>`` for an OpenAI-compatible endpoint) or a backend object; ``prompt`` a
    prompt name such as ``summary/v1``. Raises :class:`summarize.errors.SummarizeError`.
    """
    return Summarizer(model, prompt).run(text, published=published).summary


# --- helpers ---------------------------------------------------------------------------------
def _parse_published(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"published must be an ISO date (YYYY-MM-DD), not {value!r}") from None


def _cast_parties(groups: list[NameGroup], cast: CastDraft) -> list[dict[str, Any]]:
    """The parties of a cast answer: the groups given a party kind, with the aliases and
    role code found, most mentioned first."""
    kinds = cast.model_dump(by_alias=True)
    return [{"name": g.name, "kind": kinds[g.name], "role": g.role,
             "aliases": [f for f in g.forms if f != g.name]}
            for g in groups if kinds.get(g.name) in PARTY_KINDS]


def _untitled(party: dict[str, Any]) -> dict[str, Any]:
    """Move a title out of a party's name ("President Xi Jinping") into its role and aliases."""
    title, bare = split_title(party["name"])
    if not title:
        return party
    role = party.get("role") or ("" if title.casefold().rstrip(".") in ("mr", "mrs", "ms", "dr")
                                 else title)
    return {**party, "name": bare, "role": role}


def _all_items(draft: SummaryDraft) -> list[tuple[str, int]]:
    return [(field, i) for field in FIELDS for i in range(len(getattr(draft, field)))]


def _describe(field: str, item: Draft) -> str:
    if isinstance(item, PartyDraft):
        return f"party {item.name} ({item.role or item.kind})"
    if isinstance(item, PositionDraft):
        return f"position of {item.party} on {item.topic}: {item.stance}"
    if isinstance(item, DateDraft):
        return f"date {item.text!r}: {item.event}"
    return f"dispute over {item.issue}: {item.description}"


class _Grounder:
    """Turns the model's quotes into verbatim evidence spans of the article."""

    def __init__(self, article: str) -> None:
        self.article = article

    def align(self, quote: str) -> Evidence | None:
        if len(quote) >= QUOTE_CHARS:  # cut by the length limit, perhaps mid-word
            quote = quote.rsplit(" ", 1)[0]
        span = align_quote(quote, self.article) if quote.strip() else None
        return self._evidence(span)

    def mention(self, words: str) -> Evidence | None:
        return self._evidence(find_mention(words, self.article) if words.strip() else None)

    def _evidence(self, span: Any) -> Evidence | None:
        if span is None:
            return None
        span = fit_quote_length(span, self.article)
        try:
            return Evidence(quote=self.article[span.start : span.end], start=span.start,
                            end=span.end)
        except ValidationError:
            return None

    def ground_all(self, draft: SummaryDraft) -> dict[tuple[str, int], Evidence]:
        found: dict[tuple[str, int], Evidence] = {}
        for field, i in _all_items(draft):
            item = getattr(draft, field)[i]
            evidence = self.align(item.quote)
            if evidence is None and isinstance(item, PartyDraft):
                # A party is grounded by where the article names it, even if the quote
                # the model gave was paraphrased.
                evidence = next(filter(None, map(self.mention, [item.name, *item.aliases])),
                                None)
            if evidence is None and isinstance(item, DateDraft):
                evidence = self.mention(item.text)
            if evidence is not None:
                found[(field, i)] = evidence
        return found


def _assemble(
    draft: SummaryDraft,
    evidence: dict[tuple[str, int], Evidence],
    article: str,
    published: dt.date | None,
) -> tuple[ArticleSummary, list[DroppedItem]]:
    """Build the validated summary from grounded items; collect what had to be dropped."""
    dropped: list[DroppedItem] = []

    def drop(field: str, item: BaseModel, reason: str) -> None:
        dropped.append(DroppedItem(field=field, item=item.model_dump(), reason=reason))

    # Parties: grounded ones only, merged when they name the same actor.
    grounded: list[dict[str, Any]] = []
    for i, party in enumerate(draft.parties):
        ev = evidence.get(("parties", i))
        # Aliases are ways *this article* names the party: one it never uses (a small model
        # copies the prompt's examples) is dropped, not passed off as grounded.
        party = party.model_copy(update={"aliases": [a for a in party.aliases
                                                     if find_mention(a, article)]})
        if ev is None:
            drop("parties", party, "no quote or mention of the party found in the article")
        elif not any(find_mention(name, article) for name in [party.name, *party.aliases]
                     if name.strip()):
            # A real quote does not make a party real: its name must be in the text too.
            drop("parties", party, "the article never names this party")
        else:
            grounded.append({"name": party.name.strip(), "kind": party.kind,
                             "role": party.role.strip() or None, "aliases": party.aliases,
                             "evidence": [ev.model_dump()]})
    parties = merge_parties(grounded)

    def canonical(name: str) -> str | None:
        return canonical_party_name(name, parties)

    positions: list[dict[str, Any]] = []
    seen_topics: set[tuple[str, str]] = set()
    for i, position in enumerate(draft.positions):
        ev = evidence.get(("positions", i))
        party = canonical(position.party)
        if ev is None:
            drop("positions", position, "quote not found in the article")
        elif party is None:
            drop("positions", position, f"{position.party!r} is not among the grounded parties")
        elif (party, position.topic.casefold()) in seen_topics:
            drop("positions", position, "duplicate of an earlier position (same party, topic)")
        else:
            seen_topics.add((party, position.topic.casefold()))
            positions.append({"party": party, "topic": position.topic, "stance": position.stance,
                              "polarity": position.polarity, "evidence": [ev]})

    date_refs: list[dict[str, Any]] = []
    for i, date in enumerate(draft.dates):
        ev = evidence.get(("dates", i))
        if ev is None:
            drop("dates", date, "neither the quote nor the date words were found")
            continue
        value, placeable = date_rules.resolve_in_text(date.text, article, ev.start, published,
                                                      date.value)
        if not placeable:
            drop("dates", date, "a relative date in an undated article cannot be placed")
            continue
        date_refs.append({"value": value, "text": date.text, "event": date.event,
                          "evidence": [ev]})

    disputes: list[dict[str, Any]] = []
    for i, dispute in enumerate(draft.disputes):
        ev = evidence.get(("disputes", i))
        side_a = _unique(filter(None, map(canonical, dispute.side_a)))
        side_b = [n for n in _unique(filter(None, map(canonical, dispute.side_b)))
                  if n not in side_a]
        if ev is None:
            drop("disputes", dispute, "quote not found in the article")
        elif not side_a or not side_b:
            drop("disputes", dispute, "a side names no grounded party")
        else:
            disputes.append({"sides": [side_a, side_b], "issue": dispute.issue,
                             "description": dispute.description, "evidence": [ev]})

    data = {
        "headline": _clip_words(draft.headline, MAX_HEADLINE_WORDS),
        "summary": _complete_sentences(draft.summary),
        "published": published,
        "event_location": (draft.event_location or "").strip() or None,
        "parties": parties,
        "positions": positions,
        "dates": date_refs,
        "disputes": disputes,
    }
    try:
        summary = ArticleSummary.model_validate(data, context={"text": article})
    except ValidationError as exc:
        raise OutputValidationError(
            f"the grounded summary does not validate: {exc}", raw_output=draft.model_dump_json()
        ) from None
    return summary, dropped


def _unique(names: Any) -> list[str]:
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name and name not in out:
            out.append(name)
    return out


def _complete_sentences(text: str) -> str:
    """Drop a trailing unfinished sentence (a length cap, or a quote mark that closed the
    JSON string early), keeping the text whole when it has no complete sentence."""
    text = text.strip()
    end = max(text.rfind(". "), text.rfind("! "), text.rfind("? "))
    if text.endswith((".", "!", "?", ".'", '."')) or end < 0:
        return text
    return text[: end + 1]


def _clip_words(text: str, limit: int) -> str:
    words = text.split()
    return text.strip() if len(words) <= limit else " ".join(words[:limit])
