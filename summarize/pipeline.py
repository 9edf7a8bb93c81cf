"""The pipeline: article text in, grounded ArticleSummary out.

    input ──text.inputs──▶ article ──defence──▶ what the model may see (masked)
          ──reading──▶ candidates, attributed statements
          ──passes (prompting, backend)──▶ SummaryDraft
          ──grounding.align──▶ evidence offsets (re-ask once for quotes not found)
          ──text.dates──▶ ISO values ──grounding.assembly──▶ ArticleSummary
          ──defence.provenance──▶ what only untrusted text supports, dropped

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

from pydantic import ValidationError

from summarize.core.backend import StructuredBackend
from summarize.core.draft import DRAFT_LIMITS, QuoteFixes, SummaryDraft
from summarize.core.errors import (
    BackendError,
    InputError,
    OutputValidationError,
    UnknownPromptError,
)
from summarize.core.ledger import Ledger
from summarize.core.names import split_title
from summarize.core.result import MaskedSpan, SummaryRun
from summarize.core.schema import MAX_HEADLINE_WORDS, ArticleSummary
from summarize.defence import guard, probe, screening
from summarize.defence.provenance import Provenance
from summarize.grounding.assembly import Grounder, all_items, assemble, describe
from summarize.grounding.chunking import Chunk, chars_for_tokens, merge_summaries, split_into_chunks
from summarize.passes import PassContext, behaviour_hash, checklists, get_pass
from summarize.prompting import PromptTemplate, load_prompt
from summarize.providers.registry import resolve_backend
from summarize.reading import read_article, reading_options
from summarize.text import dates as date_rules
from summarize.text.inputs import DEFAULT_MAX_CHARS, load_article
from summarize.text.sentences import sentence_spans

# Tokens of instructions around the article in the longest prompt template (measured: v1's
# user.j2 + system.j2 render to ~350 tokens without the article; kept with a margin).
PROMPT_TOKENS = 700
# Article characters per chunk for endpoints whose window we do not know (~8k tokens).
ENDPOINT_CHUNK_CHARS = 24_000
CHUNK_OVERLAP_CHARS = 600


class Summarizer:
    """A configured pipeline: one backend and one prompt version, reused across articles.

    Build it once and call [run][summarize.pipeline.Summarizer.run] per article; the backend
    (and the embedded model in it) is loaded once. ``params`` are recorded by eval runs, so
    everything that changes the output belongs there.

    Args:
        model: A model string (``local/qwen2.5-coder-1.5b``, the default when None;
            ``openai/<name>`` for an OpenAI-compatible endpoint; ``fake/heuristic`` for
            tests; see ``newsbrief models``) or a backend object that implements
            ``summarize.core.backend.StructuredBackend``.
        prompt: A prompt version such as ``summary/v8`` (the default when None), found in
            your prompt folder first, then among the bundled versions.
        max_retries: Re-asks after an answer that does not validate, per model call.
        reground: Ask once more for the quotes that could not be found in the text.
        max_tokens: The output token limit of one model call.
        max_chars: The longest article text accepted (longer input is an
            [InputTooLargeError][summarize.core.errors.InputTooLargeError], before any
            model call).
        max_chunk_chars: Article characters per chunk; None fits the chunks to the model's
            window.
        backend_options: Keyword arguments for the backend a model string names.

    Raises:
        UnknownModelError: ``model`` names no known model.
        UnknownPromptError: ``prompt`` names no version, or the version names an unknown
            pass or extends an unknown version.
        ConfigurationError: The backend cannot be set up (weights missing, no endpoint).
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
        try:
            self.reading = reading_options(self.prompt.reading)
        except KeyError as exc:
            raise UnknownPromptError(f"prompt {self.prompt.name!r}: {exc.args[0]}") from None
        self._behaviour_hash = behaviour_hash(self.prompt)
        self.max_retries = max_retries
        self.reground = reground
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.max_chunk_chars = max_chunk_chars
        #: The defence's probe for this backend, once looked up: (probe or None, version).
        self._probe: tuple[probe.Probe | None, probe.Probe | None, str] | None = None

    @property
    def prompt_name(self) -> str:
        return self.prompt.name

    @property
    def prompt_hash(self) -> str:
        """The content hash of the prompt version's resolved files."""
        return self.prompt.content_hash

    @property
    def behaviour_hash(self) -> str:
        """The prompt version's behaviour identity: its files and its passes' code
        (:func:`summarize.passes.identity.behaviour_hash`)."""
        return self._behaviour_hash

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
        """Summarize one article, with everything needed to account for the summary.

        An article longer than the model's window (less the prompt and the answer) is split
        into overlapping chunks, each summarized alone, and the parts merged with evidence
        offsets into the whole text.

        Args:
            text: The article: plain text, or an HTML page (its main text is extracted;
                evidence offsets then point into that text, ``SummaryRun.text``).
            published: The publication date (a date or ``YYYY-MM-DD``), which anchors
                relative dates ("on Monday"); without it, an HTML page's own date (its
                ``<meta>``, JSON-LD or ``<time>``), else a date line or dateline in the
                text, is used.

        Returns:
            The [SummaryRun][summarize.core.result.SummaryRun]: the grounded summary, the text
            its evidence offsets point into, every model call with its tokens, the items
            dropped as ungrounded, the spans masked as addressed to a model, and the
            prompt's content and behaviour hashes.

        Raises:
            InputError: The text is empty, binary, undecodable or too large (before any
                model call).
            OutputValidationError: The model's answer never fitted the schema.
            BackendError: The model or endpoint failed (``calls`` holds what was spent).
        """
        started = time.perf_counter()
        loaded = load_article(text, max_chars=self.max_chars)
        article = loaded.text
        published_date = (
            _parse_published(published)
            or loaded.published
            or date_rules.find_publication_date(article)
        )
        ledger = Ledger()
        chunks = split_into_chunks(
            article,
            max_chars=self.chunk_chars,
            overlap_chars=min(CHUNK_OVERLAP_CHARS, self.chunk_chars // 4),
        )
        parts: list[tuple[Chunk, ArticleSummary]] = []
        last_error: OutputValidationError | None = None
        try:
            for chunk in chunks:
                judged = len(ledger.masked)
                try:
                    summary = self._summarize_part(chunk.text, published_date, ledger)
                except OutputValidationError as exc:
                    if len(chunks) == 1:
                        raise
                    # One unusable chunk of a long article costs that chunk, not the article;
                    # it is reported, and the error is raised if no chunk succeeds.
                    ledger.record_failure(exc)
                    ledger.drop(
                        "chunks",
                        {"index": chunk.index, "start": chunk.start, "end": chunk.end},
                        str(exc),
                    )
                    last_error = exc
                    continue
                finally:  # the defence's model-judged spans, in the article's offsets
                    ledger.masked[judged:] = [
                        m.model_copy(
                            update={"start": m.start + chunk.start, "end": m.end + chunk.start}
                        )
                        for m in ledger.masked[judged:]
                    ]
                parts.append((chunk, summary))
            if not parts and last_error is not None:
                raise last_error
        except BackendError as exc:
            exc.calls = [*ledger.calls, *exc.calls]  # earlier passes and chunks cost too
            raise
        summary = parts[0][1] if len(parts) == 1 else merge_summaries(parts, article)
        return SummaryRun(
            summary=summary,
            model=self.backend.model_id,
            prompt=self.prompt.name,
            prompt_hash=self.prompt_hash,
            behaviour_hash=self.behaviour_hash,
            calls=ledger.calls,
            raw_outputs=ledger.raw_outputs,
            dropped=ledger.dropped,
            choices=ledger.choices,
            masked=sorted(
                [
                    *(
                        MaskedSpan(
                            start=f.start,
                            end=f.end,
                            text=article[f.start : f.end],
                            layer=f.layer,
                            reason=f.reason,
                        )
                        for f in guard.flags(article)
                    ),
                    *ledger.masked,
                ],
                key=lambda m: (m.start, m.end),
            ),
            chunks=len(chunks),
            wall_s=time.perf_counter() - started,
            text=article,
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

    def _summarize_part(
        self, article: str, published_date: dt.date | None, ledger: Ledger
    ) -> ArticleSummary:
        """Read, extract, ground and assemble one article (or one chunk of a long one).

        The model is shown the text with the paragraphs that address a model or a program
        masked (:mod:`summarize.defence.guard`, every layer in force); the reading layer and
        grounding work on the unmasked text, where those spans count as boilerplate, so
        nothing from them can become evidence; the provenance rules
        (:mod:`summarize.defence.provenance`) then prune what only untrusted text supports.
        """
        flagged = guard.masked_spans(article)
        published = published_date.isoformat() if published_date else None
        judged = self.screen(article, flagged, ledger, published)
        if judged:  # passages the model said give instructions: masked like the rest
            ledger.masked += [
                MaskedSpan(
                    start=f.start,
                    end=f.end,
                    text=article[f.start : f.end],
                    layer=f.layer,
                    reason=f.reason,
                )
                for f in judged
            ]
            flagged = guard.merge_spans([*flagged, *((f.start, f.end) for f in judged)])
        shown = guard.mask(article, flagged)
        variables = {"article": shown, "published": published}
        provenance = (
            Provenance.of(article, flagged) if "provenance" in guard.active_layers() else None
        )
        draft = self._extract(article, variables, ledger, provenance)
        grounder = Grounder(article)
        evidence = grounder.ground_all(draft)
        missing = [(field, i) for field, i in all_items(draft) if (field, i) not in evidence]
        if missing and self.reground and self.prompt.has("reground.j2"):
            fixes = self._reground(draft, missing, variables, ledger)
            for fix in fixes.fixes:
                if 0 <= fix.item < len(missing):
                    field, i = missing[fix.item]
                    span = grounder.align(fix.quote)
                    if span is not None:
                        evidence[(field, i)] = span
        summary, part_dropped = assemble(draft, evidence, article, published_date)
        ledger.dropped += part_dropped
        if provenance is not None:
            summary, pruned = provenance.prune(summary)
            ledger.dropped += pruned
        return summary

    def screen(
        self,
        article: str,
        flagged: list[tuple[int, int]],
        ledger: Ledger,
        published: str | None = None,
    ) -> list[guard.Flag]:
        """The defence's ``judge`` and ``furniture`` layers on ``article``
        (:mod:`summarize.defence.screening`): the passages outside ``flagged`` that this model
        says give instructions to whoever processes the article or, where the version has a
        furniture probe, are page furniture; its calls recorded in ``ledger``."""
        defence = load_prompt(screening.defence_prompt())
        settings = defence.settings
        if self._probe is None or self._probe[2] != defence.name:  # read once per version
            self._probe = (
                probe.for_backend(defence.files, settings.get("probes", []), self.backend),
                probe.for_backend(
                    defence.files, settings.get("furniture_probes", []), self.backend
                ),
                defence.name,
            )
        return screening.screen(
            article,
            flagged,
            backend=self.backend,
            messages=self._defence_messages(article, flagged, published, defence),
            ledger=ledger,
            max_retries=min(self.max_retries, 1),
            threshold=settings.get("threshold"),
            content_free=settings.get("content_free", "N/A"),
            probe=self._probe[0],
            reach=settings.get("probe_reach", "suspects"),
            furniture=self._probe[1],
        )

    def _defence_messages(
        self,
        article: str,
        flagged: list[tuple[int, int]],
        published: str | None,
        question: PromptTemplate | None = None,
    ) -> screening.Messages:
        """The defence question about a passage, asked after the summary prompt's own
        system message and article block (``article.j2``, the article as the passes will see
        it), so an embedded model reuses that prefix; the question folder's own prefix when
        the summary prompt has no ``article.j2``. The prefix is rendered at the first
        question: where a probe judges, none is asked."""
        question = question or load_prompt(screening.defence_prompt())
        source = self.prompt if self.prompt.has("article.j2") else question
        prefix: list[dict[str, str]] = []

        def messages(passage: str) -> list[dict[str, str]]:
            if not prefix:
                variables = {"article": guard.mask(article, flagged), "published": published}
                prefix.extend(source.messages("article.j2", **variables))
            system, user = prefix
            asked = question.render(screening.QUESTION_TEMPLATE, passage=passage)
            return [system, {"role": "user", "content": user["content"] + "\n\n" + asked}]

        return messages

    def _extract(
        self,
        article: str,
        variables: dict[str, Any],
        ledger: Ledger,
        provenance: Provenance | None = None,
    ) -> SummaryDraft:
        """Run the prompt's passes (:mod:`summarize.passes`, by versioned name) into one draft.

        Passes run in the prompt's order; a pass that needs parties is skipped when none
        were found, and each pass's fields replace the draft's so far. With ``provenance``,
        candidates named only in untrusted text are never offered to the model.
        """
        if self.reading.statements:
            # passes that take spans of the reading (summary/v9) take them from the text the
            # model is shown: a masked paragraph then holds no statement
            reading_text = variables["article"]
            reading = read_article(reading_text, self.reading)
        else:
            reading_text = article
            reading = read_article(article, self.reading)
            if provenance is not None:
                reading = provenance.prune_reading(reading)
        ctx = PassContext(
            backend=self.backend,
            prompt=self.prompt,
            ledger=ledger,
            reading=reading,
            variables={**variables, **checklists(variables["article"])},
            max_retries=self.max_retries,
            max_tokens=self.max_tokens,
            combined={"headline": "", "summary": ""},
            text=reading_text,
        )
        failures: list[OutputValidationError] = []
        ran = 0
        for step in self.prompt.passes:
            spec = get_pass(step, prompt=self.prompt.name)
            if spec.needs_parties and not ctx.party_names:
                continue  # nobody to hold a position or to disagree
            ran += 1
            try:
                produced = spec.run(ctx)
            except OutputValidationError as exc:
                # a failed pass costs its own fields, never the article (unless every pass
                # failed: then the article has nothing and its first error is raised)
                failures.append(exc)
                ledger.drop("passes", {"pass": step}, f"the {step} pass failed: {exc}")
                continue
            for field in ("parties", "dates"):
                for item in produced.get(field, []):
                    item.setdefault("quote", "")  # quote-less passes: grounded by mention
            if "parties" in produced:
                produced["parties"] = [_untitled(p) for p in produced["parties"]]
            ctx.combined.update(produced)
        answered = any(c.ok for c in ledger.calls)
        if failures and (len(failures) == ran or not answered):
            # every pass, or every call, failed: the model gave nothing to degrade to
            first, *rest = failures
            for exc in rest:
                ledger.record_failure(exc)
            raise first
        for exc in failures:
            ledger.record_failure(exc)
        combined = ctx.combined
        if not str(combined.get("headline", "")).strip():  # the overview failed: the lead
            lead = _lead_sentence(article)
            combined["headline"] = " ".join(lead.split()[:MAX_HEADLINE_WORDS])
            combined["summary"] = combined.get("summary") or lead
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

    def _reground(
        self,
        draft: SummaryDraft,
        missing: list[tuple[str, int]],
        variables: dict[str, Any],
        ledger: Ledger,
    ) -> QuoteFixes:
        """Ask once more, only for the items whose quotes were not found."""
        items = [describe(field, getattr(draft, field)[i]) for field, i in missing]
        try:
            result = self.backend.generate(
                self.prompt.messages("reground.j2", items=items, **variables),
                QuoteFixes,
                purpose="reground",
                max_retries=1,
                max_tokens=40 * len(items) + 20,
            )
        except OutputValidationError as exc:
            # A failed re-ask costs the items it was about, not the whole summary.
            ledger.record_failure(exc)
            return QuoteFixes()
        ledger.record(result)
        return result.value


def summarize_article(
    text: str,
    *,
    published: dt.date | str | None = None,
    model: str | StructuredBackend | None = None,
    prompt: str | None = None,
) -> ArticleSummary:
    """A typed, source-grounded structured summary of one news article.

    Every party, position, date and dispute carries evidence: verbatim quotes with character
    offsets into the text. For the cost and provenance of the answer, or to summarize many
    articles with one loaded model, use [Summarizer][summarize.pipeline.Summarizer] instead.

    Args:
        text: The article: plain text, or an HTML page (its main text is summarized).
        published: The publication date (a date or ``YYYY-MM-DD``), which anchors relative
            dates ("on Monday"); without it, an HTML page's own date (its ``<meta>``,
            JSON-LD or ``<time>``), else a date line or dateline in the text, is used.
        model: A model string (``local/qwen2.5-coder-1.5b`` by default, ``openai/<name>``
            for an OpenAI-compatible endpoint) or a backend object.
        prompt: A prompt version such as ``summary/v1`` (default ``summary/v8``).

    Returns:
        The [ArticleSummary][summarize.core.schema.ArticleSummary].

    Raises:
        SummarizeError: Any failure, as one of its typed subclasses (an
            [InputError][summarize.core.errors.InputError] before any model call, a
            [ConfigurationError][summarize.core.errors.ConfigurationError], a
            [BackendError][summarize.core.errors.BackendError]).
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


def _lead_sentence(article: str) -> str:
    """The first sentence of the article that is long enough to say something."""
    for start, end in sentence_spans(article):
        if len(article[start:end].split()) >= 6:
            return " ".join(article[start:end].split())[:600]
    return " ".join(article.split()[:30]) or "(no text)"


def _untitled(party: dict[str, Any]) -> dict[str, Any]:
    """Move a title out of a party's name ("President Xi Jinping") into its role and aliases."""
    title, bare = split_title(party["name"])
    if not title:
        return party
    role = party.get("role") or (
        "" if title.casefold().rstrip(".") in ("mr", "mrs", "ms", "dr") else title
    )
    return {**party, "name": bare, "role": role}
