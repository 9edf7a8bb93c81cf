"""Peers in the same run: newsbrief against a naive one-call baseline and LangExtract.

    flock /tmp/model.lock python benchmarks/bench_peers.py [--model local/qwen2.5-coder-1.5b]
        [--suites seeds dev/test] [--limit N] [--systems newsbrief naive langextract]
        [--json peers.json]

Three systems read the same articles with the same embedded model, and the project's own
metrics (``evals.metrics``) score all three against the same gold, so the figures differ only
by what each system does with the model:

- ``newsbrief``: the default pipeline, ``Summarizer(model)`` with the default prompt.
- ``naive``: the project's own one-pass prompt, ``summary/v1`` (a single ``extract`` pass:
  one schema-constrained call returns parties, positions, dates and disputes with a quote
  each), run as ``Summarizer(model, "summary/v1", reground=False, max_retries=0)`` so it is
  exactly one model call per article: no re-ask for quotes not found, no re-ask on a
  validation failure (such an article fails and scores 0, as in an eval run). Its quotes are
  grounded and dated as the project does (``summarize.grounding``); ungrounded items are
  dropped.
- ``langextract``: google's LangExtract 1.7.1 extracting the classes party / position /
  date / dispute (attributes kind, role; party, topic, stance, polarity; value, event;
  side_a, side_b, issue) with a prompt description and two fictional few-shot examples
  written for this benchmark (:data:`LX_EXAMPLES`; nothing from the seeds or the dev suite),
  through its OpenAI provider pointed at ``python -m llama_cpp.server`` on 127.0.0.1 serving
  the same GGUF. LangExtract's own chunking (``max_char_buffer``), one worker, temperature 0.
  The llama.cpp server rejects ``response_format`` of type ``json_schema`` (HTTP 500), so the
  schema LangExtract derives from the examples (``OpenAISchema.from_examples``) is passed in
  the form that server honours, ``{"type": "json_object", "schema": ...}``: LangExtract's
  output is schema-constrained like the other two.

Why LangExtract runs in its own venv: ``pip install --dry-run langextract`` in the project's
venv would downgrade tenacity 9.2.1 -> 9.1.4 (google-genai pins ``tenacity<9.2``), below
the project's ``tenacity>=9.2``. So it lives in a venv of its own, by default
``.venv-langextract`` in the repository (``python3 -m venv .venv-langextract &&
.venv-langextract/bin/pip install 'langextract[openai]==1.7.1'``; elsewhere: set
``$LANGEXTRACT_VENV`` or pass ``--langextract-python``), and this same file runs there as a
worker (``--langextract-worker``: articles in on stdin, raw extractions out as JSON lines).
That is why this module imports only the standard library at the top: the worker's venv
has neither ``summarize`` nor ``evals``.

LangExtract's extractions become an ``ArticleSummary`` in :func:`langextract_to_summary`:
an aligned extraction's ``char_interval`` is its evidence, widened to the project's 3-word
minimum quote by the project's own ``fit_quote_length`` (still verbatim); an extraction
LangExtract could not align keeps its item but gets evidence whose offsets do not hold its
quote, so ``grounding_rate`` counts it as ungrounded (newsbrief and naive drop such items
instead, hence their 1.0). Mentions of one party (``same_name``) are merged into one party
with aliases; positions and disputes naming no extracted party are dropped (the schema
requires their parties to resolve) and counted. No headline or overview is asked of
LangExtract (none is scored); a placeholder fills the required fields.

One model process at a time: the in-process model of the first two systems is released
before the llama.cpp server starts, and the server is stopped before the script ends. Run it
under the shared lock (``flock /tmp/model.lock ...``). Printed per suite and overall: macro
F1, per-field F1 (means over articles, a failed article counting 0), grounding rate,
median seconds, output tokens and model calls per article.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarize.core.schema import ArticleSummary, Evidence

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"
SYSTEMS = ("newsbrief", "naive", "langextract")
SUITES = {
    "seeds": (ROOT / "seeds", ROOT / "evals" / "gold"),
    "dev/test": (ROOT / "evals/suites/dev/test", ROOT / "evals/suites/dev/test"),
}
#: LangExtract's own venv (see the module docstring): $LANGEXTRACT_VENV, else
#: .venv-langextract in the repository.
LANGEXTRACT_PYTHON = (
    Path(os.environ.get("LANGEXTRACT_VENV") or ROOT / ".venv-langextract") / "bin" / "python"
)
FIELDS = ("parties", "positions", "dates", "disputes")
PLACEHOLDER = "(not produced by this system)"

# --- what LangExtract is asked for ------------------------------------------------------------
LX_PROMPT = """\
Extract the structured summary of a news article, in order of appearance, using exact text \
from the article for extraction_text. Do not paraphrase extraction_text and do not overlap \
extractions.
- party: an actor of the story named in the text (a person, a state or government, an \
organization, or a named group). attributes: kind (person, state, organization or group), \
role (their role in the story, a few words).
- position: what one party says, wants, supports or opposes; extraction_text is the words \
that state it. attributes: party (the party's name as extracted), topic (a few words), \
stance (a short paraphrase), polarity (support, oppose, neutral or mixed).
- date: a date or time reference anchoring an event of the story (not the article's own \
publication date line). attributes: value (ISO 8601 YYYY, YYYY-MM or YYYY-MM-DD at the \
precision the text makes certain, empty if it cannot be placed), event (what happened then).
- dispute: a disagreement between parties; extraction_text is the words that report it. \
attributes: side_a and side_b (party names, comma-separated when several), issue (what it \
is about, a few words)."""

# Two fictional articles (invented places, firms and people; not from any suite).
LX_EXAMPLES: list[dict[str, Any]] = [
    {
        "text": (
            "VELMORA, 14 March 2023 - The Velmora Dockworkers Union began a strike on Monday "
            "after talks with Kestrel Shipping collapsed. Union leader Marta Quill said the "
            "company's pay offer was \"an insult to every crane operator\". Kestrel Shipping's "
            "chief executive, Tomas Brandt, said the firm could not afford higher wages. Mayor "
            "Ilse Varga called on both sides to resume negotiations before the harvest season "
            "begins in April."
        ),
        "extractions": [
            (
                "party",
                "Velmora Dockworkers Union",
                {"kind": "organization", "role": "union on strike"},
            ),
            ("date", "on Monday", {"value": "2023-03-13", "event": "the strike began"}),
            (
                "dispute",
                "talks with Kestrel Shipping collapsed",
                {
                    "side_a": "Velmora Dockworkers Union",
                    "side_b": "Kestrel Shipping",
                    "issue": "dockworkers' pay",
                },
            ),
            ("party", "Marta Quill", {"kind": "person", "role": "union leader"}),
            (
                "position",
                'the company\'s pay offer was "an insult to every crane operator"',
                {
                    "party": "Marta Quill",
                    "topic": "Kestrel Shipping's pay offer",
                    "stance": "rejects the offer as insulting",
                    "polarity": "oppose",
                },
            ),
            ("party", "Kestrel Shipping", {"kind": "organization", "role": "employer"}),
            (
                "party",
                "Tomas Brandt",
                {"kind": "person", "role": "chief executive of Kestrel Shipping"},
            ),
            (
                "position",
                "the firm could not afford higher wages",
                {
                    "party": "Tomas Brandt",
                    "topic": "higher wages",
                    "stance": "says the firm cannot afford them",
                    "polarity": "oppose",
                },
            ),
            ("party", "Ilse Varga", {"kind": "person", "role": "mayor of Velmora"}),
            (
                "position",
                "called on both sides to resume negotiations",
                {
                    "party": "Ilse Varga",
                    "topic": "resuming negotiations",
                    "stance": "urges both sides to talk again",
                    "polarity": "support",
                },
            ),
            ("date", "in April", {"value": "2023-04", "event": "the harvest season begins"}),
        ],
    },
    {
        "text": (
            "The government of Norland on Tuesday rejected a plan by the Republic of Ostrava "
            "to dam the Tarn river. Norland's foreign minister, Pell Arden, said the dam "
            "would leave farmers downstream without water. Ostrava says the project is vital "
            "for its power supply and will go ahead in 2026."
        ),
        "extractions": [
            ("party", "government of Norland", {"kind": "state", "role": "downstream state"}),
            ("date", "on Tuesday", {"value": "", "event": "Norland rejected the dam plan"}),
            (
                "dispute",
                "rejected a plan",
                {
                    "side_a": "government of Norland",
                    "side_b": "Republic of Ostrava",
                    "issue": "damming the Tarn river",
                },
            ),
            ("party", "Republic of Ostrava", {"kind": "state", "role": "plans the dam"}),
            ("party", "Pell Arden", {"kind": "person", "role": "Norland's foreign minister"}),
            (
                "position",
                "the dam would leave farmers downstream without water",
                {
                    "party": "Pell Arden",
                    "topic": "the Tarn river dam",
                    "stance": "the dam would deprive farmers of water",
                    "polarity": "oppose",
                },
            ),
            (
                "position",
                "the project is vital for its power supply",
                {
                    "party": "Republic of Ostrava",
                    "topic": "the Tarn river dam",
                    "stance": "the dam is vital for power supply",
                    "polarity": "support",
                },
            ),
            ("date", "in 2026", {"value": "2026", "event": "the dam project goes ahead"}),
        ],
    },
]

_KIND_SYNONYMS = {
    "country": "state",
    "nation": "state",
    "government": "state",
    "state": "state",
    "person": "person",
    "people": "group",
    "group": "group",
    "organization": "organization",
    "organisation": "organization",
    "company": "organization",
    "union": "organization",
}
_POLARITIES = ("support", "oppose", "neutral", "mixed")
# How the worker asks the llama.cpp server to constrain LangExtract's output, by name.
RESPONSE_FORMATS: dict[str, Any] = {
    "schema": lambda schema: {"type": "json_object", "schema": schema},
    "json": lambda schema: {"type": "json_object"},
    "none": lambda schema: {"type": "text"},
}


# --- results ----------------------------------------------------------------------------------
@dataclass
class ArticleResult:
    """One system's outcome on one article: the scores and what it cost."""

    system: str
    suite: str
    article_id: str
    scores: dict[str, Any] | None  # ArticleScores.model_dump(); None if the article failed
    seconds: float
    output_tokens: int | None
    prompt_tokens: int | None
    calls: int
    dropped: int = 0
    error: str | None = None


@dataclass
class Case:
    """An article with its gold (an ``evals.gold.GoldSummary``)."""

    suite: str
    article_id: str
    text: str
    gold: Any


# --- LangExtract's answer as an ArticleSummary ------------------------------------------------
def _evidence(extraction: dict[str, Any], text: str) -> Evidence:
    """The item's evidence: the aligned span widened to a 3-word quote, or a marker that
    ``grounding_rate`` counts as ungrounded when LangExtract could not align the text."""
    from summarize.core.schema import Evidence
    from summarize.grounding.align import Span, fit_quote_length

    interval = extraction.get("char_interval") or {}
    start, end = interval.get("start_pos"), interval.get("end_pos")
    if start is not None and end is not None and 0 <= start < end <= len(text):
        span = fit_quote_length(Span(start, end, text[start:end], exact=True, score=100.0), text)
        quote = text[span.start : span.end]
        try:
            return Evidence(quote=quote, start=span.start, end=span.end)
        except ValueError:
            return Evidence.model_construct(quote=quote, start=span.start, end=span.end)
    # Unaligned: no offsets hold this quote (an empty span never equals a non-empty quote).
    quote = (extraction.get("extraction_text") or "").strip() or "(unaligned)"
    return Evidence.model_construct(quote=quote, start=0, end=0)


def _attr(extraction: dict[str, Any], key: str) -> str:
    value = (extraction.get("attributes") or {}).get(key)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value).strip() if value is not None else ""


def _iso_or_none(value: str) -> str | None:
    from summarize.core.schema import check_iso_partial

    try:
        check_iso_partial(value)
    except ValueError:
        return None
    return value


def langextract_to_summary(
    extractions: Sequence[dict[str, Any]], text: str
) -> tuple[ArticleSummary, int]:
    """(the summary, number of positions and disputes dropped) from LangExtract's extractions.

    ``extractions`` are plain dicts as the worker writes them: ``extraction_class``,
    ``extraction_text``, ``char_interval`` (``start_pos``/``end_pos`` or None) and
    ``attributes``. Parties naming the same actor (``same_name``) become one party; the
    longest name is canonical, the others aliases. A position or dispute side naming no
    party is dropped, since the schema requires every such name to resolve.
    """
    from summarize.core.names import same_name
    from summarize.core.schema import ArticleSummary

    parties: list[dict[str, Any]] = []
    for ex in extractions:
        if ex.get("extraction_class") != "party" or not (ex.get("extraction_text") or "").strip():
            continue
        name = ex["extraction_text"].strip()
        kind = _KIND_SYNONYMS.get(_attr(ex, "kind").casefold(), "organization")
        known = next((p for p in parties if any(same_name(name, n) for n in p["names"])), None)
        if known is None:
            parties.append(
                {
                    "names": [name],
                    "kind": kind,
                    "role": _attr(ex, "role") or None,
                    "evidence": [_evidence(ex, text)],
                }
            )
            continue
        if not any(n.casefold() == name.casefold() for n in known["names"]):
            known["names"].append(name)
        known["evidence"].append(_evidence(ex, text))

    def canonical(name: str) -> str | None:
        name = name.strip()
        for party in parties:
            if name and any(same_name(name, n) for n in party["names"]):
                return max(party["names"], key=len)
        return None

    dropped = 0
    positions: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    disputes: list[dict[str, Any]] = []
    for ex in extractions:
        kind, words = ex.get("extraction_class"), (ex.get("extraction_text") or "").strip()
        if not words:
            continue
        if kind == "position":
            party = canonical(_attr(ex, "party"))
            if party is None:
                dropped += 1
                continue
            polarity = _attr(ex, "polarity").casefold()
            positions.append(
                {
                    "party": party,
                    "topic": _attr(ex, "topic") or words,
                    "stance": _attr(ex, "stance") or words,
                    "polarity": polarity if polarity in _POLARITIES else "neutral",
                    "evidence": [_evidence(ex, text)],
                }
            )
        elif kind == "date":
            dates.append(
                {
                    "value": _iso_or_none(_attr(ex, "value")),
                    "text": words,
                    "event": _attr(ex, "event") or words,
                    "evidence": [_evidence(ex, text)],
                }
            )
        elif kind == "dispute":
            sides = [_resolve_side(_attr(ex, key), canonical) for key in ("side_a", "side_b")]
            sides[1] = [n for n in sides[1] if n not in sides[0]]
            if not sides[0] or not sides[1]:
                dropped += 1
                continue
            disputes.append(
                {
                    "sides": sides,
                    "issue": _attr(ex, "issue") or words,
                    "description": words,
                    "evidence": [_evidence(ex, text)],
                }
            )

    items = {
        "parties": [
            {
                "name": max(p["names"], key=len),
                "kind": p["kind"],
                "role": p["role"],
                "aliases": [n for n in p["names"] if n != max(p["names"], key=len)],
                "evidence": p["evidence"],
            }
            for p in parties
        ],
        "positions": positions,
        "dates": dates,
        "disputes": disputes,
    }
    # The schema rejects evidence whose offsets do not hold its quote, so the summary is
    # validated with a stand-in quote and each item's own evidence is put back afterwards.
    stand_in = {"quote": "no aligned span", "start": 0, "end": len("no aligned span")}
    summary = ArticleSummary.model_validate(
        {
            "headline": PLACEHOLDER,
            "summary": PLACEHOLDER,
            **{f: [{**item, "evidence": [stand_in]} for item in items[f]] for f in FIELDS},
        }
    )
    for f in FIELDS:
        for item, data in zip(getattr(summary, f), items[f], strict=True):
            item.evidence = data["evidence"]
    return summary, dropped


def _resolve_side(names: str, canonical: Any) -> list[str]:
    out: list[str] = []
    for name in names.replace(";", ",").split(","):
        resolved = canonical(name)
        if resolved is not None and resolved not in out:
            out.append(resolved)
    return out


# --- the LangExtract worker (runs in LangExtract's own venv) ----------------------------------
def langextract_worker() -> None:
    """Read ``{"base_url", "char_buffer", "articles": [{"id", "text"}]}`` on stdin; write one
    JSON line per article: extractions, seconds, calls and tokens (from each response's
    ``usage``, which LangExtract does not report itself)."""
    import langextract as lx
    from langextract.providers.openai import OpenAILanguageModel
    from langextract.providers.schemas.openai import OpenAISchema

    job = json.load(sys.stdin)
    examples = [
        lx.data.ExampleData(
            text=ex["text"],
            extractions=[
                lx.data.Extraction(extraction_class=cls, extraction_text=words, attributes=attrs)
                for cls, words, attrs in ex["extractions"]
            ],
        )
        for ex in LX_EXAMPLES
    ]
    schema = OpenAISchema.from_examples(examples).schema_dict
    model = OpenAILanguageModel(
        model_id="local",
        base_url=job["base_url"],
        api_key="no-key",
        temperature=0.0,
        max_workers=1,
        response_format=RESPONSE_FORMATS[job["constraint"]](schema),
        max_output_tokens=job.get("max_output_tokens", 1800),
    )
    usage: list[tuple[int | None, int | None]] = []
    completions = model._client.chat.completions
    create = completions.create

    def counted_create(**params: Any) -> Any:
        response = create(**params)
        u = getattr(response, "usage", None)
        usage.append((getattr(u, "prompt_tokens", None), getattr(u, "completion_tokens", None)))
        return response

    completions.create = counted_create
    for article in job["articles"]:
        usage.clear()
        started = time.perf_counter()
        line: dict[str, Any] = {"id": article["id"]}
        try:
            result = lx.extract(
                article["text"],
                prompt_description=LX_PROMPT,
                examples=examples,
                model=model,
                use_schema_constraints=False,
                fence_output=False,
                max_char_buffer=job["char_buffer"],
                batch_length=1,
                max_workers=1,
                show_progress=False,
            )
            line["extractions"] = [
                {
                    "extraction_class": e.extraction_class,
                    "extraction_text": e.extraction_text,
                    "attributes": e.attributes or {},
                    "alignment_status": str(e.alignment_status) if e.alignment_status else None,
                    "char_interval": {
                        "start_pos": e.char_interval.start_pos,
                        "end_pos": e.char_interval.end_pos,
                    }
                    if e.char_interval and e.char_interval.start_pos is not None
                    else None,
                }
                for e in result.extractions or []
            ]
        except Exception as exc:  # one failed article is recorded, not fatal
            line["error"] = f"{type(exc).__name__}: {exc}"[:500]
        line["seconds"] = time.perf_counter() - started
        line["calls"] = len(usage)
        line["prompt_tokens"] = sum(p or 0 for p, _ in usage) if usage else None
        line["output_tokens"] = sum(c or 0 for _, c in usage) if usage else None
        print(json.dumps(line), flush=True)


# --- running the systems ----------------------------------------------------------------------
def load_cases(suites: Sequence[str], limit: int | None) -> list[Case]:
    from evals.gold import load_suite

    cases: list[Case] = []
    for suite in suites:
        articles, gold = SUITES[suite]
        found = [c for c in load_suite(articles, gold) if c.gold is not None]
        cases += [Case(suite, c.article_id, c.text, c.gold) for c in found[:limit]]
    return cases


def project_scoring() -> ModuleType:
    """The project's scoring module: ``score_article`` (an ArticleSummary against gold: field
    P/R/F1, macro F1, grounding rate), ``ArticleScores`` and ``aggregate_scores``.

    The one import of the scoring, here so that moving ``evals/`` into packages changes one
    line; it is imported late because the LangExtract worker's venv has no ``evals``.
    """
    from evals import metrics

    return metrics


def score(prediction: ArticleSummary, case: Case) -> dict[str, Any]:
    """The project's scores of one prediction, as an eval run stores them."""
    return project_scoring().score_article(prediction, case.gold, case.text).model_dump(mode="json")


def run_summarizer(system: str, model: str, cases: Sequence[Case]) -> list[ArticleResult]:
    """newsbrief or naive, in this process; the backend is the project's cached one."""
    from summarize.errors import SummarizeError
    from summarize.pipeline import Summarizer

    summarizer = (
        Summarizer(model)
        if system == "newsbrief"
        else Summarizer(model, "summary/v1", reground=False, max_retries=0)
    )
    results: list[ArticleResult] = []
    for case in cases:
        started = time.perf_counter()
        try:
            run = summarizer.run(case.text)
        except SummarizeError as exc:
            calls = getattr(exc, "calls", []) or []
            results.append(
                ArticleResult(
                    system,
                    case.suite,
                    case.article_id,
                    None,
                    time.perf_counter() - started,
                    sum(c.completion_tokens or 0 for c in calls) or None,
                    sum(c.prompt_tokens or 0 for c in calls) or None,
                    len(calls),
                    error=f"{type(exc).__name__}: {exc}"[:500],
                )
            )
        else:
            results.append(
                ArticleResult(
                    system,
                    case.suite,
                    case.article_id,
                    score(run.summary, case),
                    run.wall_s,
                    run.completion_tokens,
                    run.prompt_tokens,
                    len(run.calls),
                    len(run.dropped),
                )
            )
        _progress(results[-1])
    return results


def release_in_process_models() -> None:
    """Drop the project's cached backends so the in-process model's memory and threads are
    gone before the server loads its own copy (one model process at a time)."""
    from summarize.providers.registry import clear_cache

    clear_cache()
    gc.collect()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def llama_server(model: str) -> Iterator[str]:
    """``python -m llama_cpp.server`` on 127.0.0.1 serving the embedded GGUF; yields its
    ``/v1`` URL and stops it on exit. Its log goes to a file (a pipe nobody reads would
    fill and block it)."""
    from summarize.providers.weights import EMBEDDED_WEIGHTS, ensure_gguf

    name = model.removeprefix("local/")
    gguf = Path(name) if name.endswith(".gguf") else ensure_gguf(EMBEDDED_WEIGHTS[name])
    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"bench_peers_llama_server_{port}.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "8192",
                "--n_threads",
                "2",
                "--model_alias",
                "local",
                "--verbose",
                "False",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/v1"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    urllib.request.urlopen(f"{url}/models", timeout=2).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"llama_cpp.server did not start: {log.read_text()[-2000:]}"
                        ) from None
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_langextract(
    model: str, cases: Sequence[Case], python: Path, char_buffer: int, constraint: str
) -> list[ArticleResult]:
    """LangExtract through the llama.cpp server, its worker in LangExtract's own venv."""
    if not cases:
        return []
    by_id = {f"{c.suite}/{c.article_id}": c for c in cases}
    job: dict[str, Any] = {
        "char_buffer": char_buffer,
        "constraint": constraint,
        "articles": [{"id": key, "text": c.text} for key, c in by_id.items()],
    }
    results: list[ArticleResult] = []
    with llama_server(model) as url:
        job["base_url"] = url
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
        proc = subprocess.Popen(
            [str(python), str(Path(__file__).resolve()), "--langextract-worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(job))
        proc.stdin.close()
        for raw in proc.stdout:
            line = json.loads(raw)
            case = by_id[line["id"]]
            scores, dropped, error = None, 0, line.get("error")
            if error is None:
                try:
                    summary, dropped = langextract_to_summary(line["extractions"], case.text)
                    scores = score(summary, case)
                except ValueError as exc:  # pydantic's ValidationError is a ValueError
                    error = f"conversion: {exc}"[:500]
            results.append(
                ArticleResult(
                    "langextract",
                    case.suite,
                    case.article_id,
                    scores,
                    line["seconds"],
                    line.get("output_tokens"),
                    line.get("prompt_tokens"),
                    line.get("calls", 0),
                    dropped,
                    error,
                )
            )
            _progress(results[-1])
        if proc.wait() != 0:
            raise RuntimeError(f"the LangExtract worker exited with {proc.returncode}")
    return results


def _progress(result: ArticleResult) -> None:
    macro = f"{result.scores['macro_f1']:.3f}" if result.scores else "FAILED"
    print(
        f"  {result.system:<11} {result.suite:<8} {result.article_id:<40} macro {macro} "
        f"{result.seconds:6.1f} s {result.calls:3d} calls"
        + (f"  ({result.error[:120]})" if result.error else ""),
        file=sys.stderr,
        flush=True,
    )


# --- tables -----------------------------------------------------------------------------------
@dataclass
class SystemFigures:
    """One row of a table: one system over one suite (or all suites)."""

    system: str
    articles: int
    failed: int
    macro_f1: float | None
    field_f1: dict[str, float] = field(default_factory=dict)
    grounding_rate: float | None = None
    median_seconds: float | None = None
    median_output_tokens: float | None = None
    median_calls: float | None = None
    dropped: int = 0


def figures(system: str, results: Sequence[ArticleResult]) -> SystemFigures:
    """Suite figures with the project's aggregation (``evals.metrics.aggregate_scores``):
    field F1 and macro F1 are means over all articles, a failed article counting 0."""
    scoring = project_scoring()
    scores = [scoring.ArticleScores.model_validate(r.scores) if r.scores else None for r in results]
    agg = scoring.aggregate_scores(scores)
    ok = [r for r in results if r.scores is not None]

    def median(values: list[float]) -> float | None:
        return float(statistics.median(values)) if values else None

    return SystemFigures(
        system=system,
        articles=len(results),
        failed=len(results) - len(ok),
        macro_f1=agg["macro_f1"],
        field_f1={f: agg["fields"][f]["f1"] for f in FIELDS} if agg["fields"] else {},
        grounding_rate=agg["grounding_rate"],
        median_seconds=median([r.seconds for r in ok]),
        median_output_tokens=median(
            [float(r.output_tokens) for r in ok if r.output_tokens is not None]
        ),
        median_calls=median([float(r.calls) for r in ok]),
        dropped=sum(r.dropped for r in results),
    )


def print_table(title: str, rows: Sequence[SystemFigures]) -> None:
    def num(value: float | None, fmt: str = ".3f") -> str:
        return "—" if value is None else format(value, fmt)

    header = [
        "system",
        "macro F1",
        *[f"{f} F1" for f in FIELDS],
        "grounding",
        "s/article",
        "out tok/article",
        "calls",
        "failed",
    ]
    body = [
        [
            r.system,
            num(r.macro_f1),
            *[num(r.field_f1.get(f)) for f in FIELDS],
            num(r.grounding_rate),
            num(r.median_seconds, ".1f"),
            num(r.median_output_tokens, ".0f"),
            num(r.median_calls, ".1f"),
            f"{r.failed}/{r.articles}",
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=True)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in body:
        print(
            "| "
            + " | ".join(
                x.ljust(w) if i == 0 else x.rjust(w)
                for i, (x, w) in enumerate(zip(row, widths, strict=True))
            )
            + " |"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help="local/qwen2.5-coder-1.5b (default) or local/qwen2.5-coder-0.5b",
    )
    parser.add_argument("--suites", nargs="+", choices=list(SUITES), default=list(SUITES))
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--limit", type=int, default=None, help="first N articles per suite")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--langextract-python",
        type=Path,
        default=LANGEXTRACT_PYTHON,
        help="the python of the venv LangExtract is installed in (default: "
        "$LANGEXTRACT_VENV/bin/python, else .venv-langextract/bin/python in the repository)",
    )
    parser.add_argument(
        "--lx-char-buffer",
        type=int,
        default=1000,
        help="LangExtract's max_char_buffer (its chunk size; 1000 by default)",
    )
    parser.add_argument(
        "--lx-constraint",
        choices=list(RESPONSE_FORMATS),
        default="schema",
        help="LangExtract's decoding: its examples' JSON schema, any JSON, or free text",
    )
    parser.add_argument("--langextract-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.langextract_worker:
        langextract_worker()
        return

    sys.path.insert(0, str(ROOT))
    cases = load_cases(args.suites, args.limit)
    print(f"{len(cases)} articles ({', '.join(args.suites)}), model {args.model}", file=sys.stderr)
    results: list[ArticleResult] = []
    started = time.perf_counter()
    for system in args.systems:  # one system, and so one model process, at a time
        if system == "langextract":
            release_in_process_models()
            results += run_langextract(
                args.model, cases, args.langextract_python, args.lx_char_buffer, args.lx_constraint
            )
        else:
            results += run_summarizer(system, args.model, cases)

    tables: dict[str, list[SystemFigures]] = {}
    for suite in [*args.suites, "overall"]:
        tables[suite] = [
            figures(
                system,
                [
                    r
                    for r in results
                    if r.system == system and (suite == "overall" or r.suite == suite)
                ],
            )
            for system in args.systems
        ]
    print(
        f"# Peers · {args.model} · {len(cases)} articles · "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    for suite, rows in tables.items():
        n = len(
            {(r.suite, r.article_id) for r in results if suite == "overall" or r.suite == suite}
        )
        print_table(f"## {suite} ({n} articles)", rows)
    print(
        "\nF1: means over articles (a failed article counts 0); grounding: share of evidence "
        "quotes found verbatim at their offsets; seconds, output tokens and calls: medians "
        "per article over articles that did not fail."
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "model": args.model,
                    "suites": args.suites,
                    "limit": args.limit,
                    "lx_char_buffer": args.lx_char_buffer,
                    "lx_constraint": args.lx_constraint,
                    "tables": {s: [asdict(r) for r in rows] for s, rows in tables.items()},
                    "articles": [asdict(r) for r in results],
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
