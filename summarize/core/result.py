"""What one pipeline run produces besides the summary: the record an eval run stores.

``summarize_article`` returns only the :class:`~summarize.core.schema.ArticleSummary`; code
that needs the cost and the provenance of that answer (the eval harness, batch jobs) calls
``Summarizer.run`` and gets a :class:`SummaryRun`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

from summarize.core.backend import CallRecord
from summarize.core.digest import StoryDigest
from summarize.core.schema import ArticleSummary


class DroppedItem(BaseModel):
    """An item the model produced but that could not be grounded in the article.

    Ungrounded items are dropped from the summary rather than passed off as grounded; they
    are kept here so that a user (or the report) can see what the model claimed.
    """

    field: str
    item: dict
    reason: str


class MaskedSpan(BaseModel):
    """A span of the article hidden from the model because it addresses a model or program.

    ``layer`` names the defence layer that found it (:data:`summarize.defence.guard.LAYERS`) and
    ``reason`` says what it saw, so a false alarm can be traced to its rule.
    """

    start: int
    end: int
    text: str
    layer: str = "patterns"
    reason: str = ""


class Choice(BaseModel):
    """One choice among options that code offered: who holds a statement, whether a pair of
    parties disputes, a candidate's kind. ``by`` says who chose: "model" (its answer is
    ``chosen``), "probe" (a classifier over the model's hidden states: the defence's
    probe) or "code" (sure enough not to ask); ``chosen`` is None when the model's answer
    failed and nothing was kept."""

    kind: str
    about: str
    options: list[str]
    chosen: str | None
    by: Literal["model", "probe", "code"]


class SummaryRun(BaseModel):
    """A summary plus everything needed to account for it.

    ``text`` is the text the pipeline analysed (HTML already reduced to its main text): the
    evidence offsets point into it, so a view of the run (``newsbrief summarize --html``,
    ``--json``) can show the spans without the original input at hand.
    """

    summary: ArticleSummary
    model: str
    prompt: str
    prompt_hash: str = Field(default="", description="content hash of the prompt's files")
    behaviour_hash: str = Field(
        default="", description="the prompt's files and its passes' code (behaviour identity)"
    )
    calls: list[CallRecord] = Field(default_factory=list)
    raw_outputs: list[str] = Field(default_factory=list)
    dropped: list[DroppedItem] = Field(default_factory=list)
    masked: list[MaskedSpan] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)
    chunks: int = 1
    wall_s: float = 0.0
    text: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prompt_tokens(self) -> int:
        return sum(c.prompt_tokens or 0 for c in self.calls)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens or 0 for c in self.calls)


class DigestRun(BaseModel):
    """A story digest plus everything needed to account for it.

    ``summaries`` are the per-article runs the digest was built from (served from the cache
    when ``cached`` lists the article); their ``text`` is what evidence offsets point into.
    ``calls`` and ``digest_s`` are the digest step's own cost, beyond the summaries.
    """

    digest: StoryDigest
    summaries: dict[str, SummaryRun]
    cached: list[str] = Field(default_factory=list)
    failed: dict[str, str] = Field(
        default_factory=dict,
        description="articles that could not be summarized, by id: "
        "the error; the digest is made of the others",
    )
    model: str
    prompt: str
    digest_prompt: str
    calls: list[CallRecord] = Field(default_factory=list)
    summaries_s: float = 0.0
    digest_s: float = 0.0

    @property
    def texts(self) -> dict[str, str]:
        """Article id -> the text its evidence offsets point into."""
        return {article: run.text for article, run in self.summaries.items()}
