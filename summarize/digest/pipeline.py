"""The digest of a story: per-article summaries (cached), then unification across them.

Per-article summaries come from the ordinary pipeline (:class:`summarize.pipeline.Summarizer`),
served from :class:`summarize.digest.cache.SummaryCache` when the same model, prompt, code and text
were summarized before. The digest step then works on those summaries: code unifies parties,
dates and offsets. By default it asks the model nothing; with ``ask_model=True`` the model
is asked the yes/no questions of :mod:`.judge`, which bought almost nothing with the embedded
1.5B (the figures are in :data:`ASK_MODEL_MEASURED`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from summarize.core.backend import StructuredBackend
from summarize.core.digest import DigestArticle, StoryDigest
from summarize.core.errors import SummarizeError
from summarize.core.ledger import Ledger
from summarize.core.result import DigestRun, SummaryRun
from summarize.digest.cache import SummaryCache, summary_key
from summarize.digest.discrepancies import find_discrepancies
from summarize.digest.disputes import merge_disputes
from summarize.digest.judge import Judge
from summarize.digest.parties import unify_parties
from summarize.digest.positions import merge_positions
from summarize.digest.sources import ArticleInput, StoryArticle, story_articles
from summarize.digest.timeline import build_timeline
from summarize.pipeline import Summarizer
from summarize.prompting import load_prompt
from summarize.text.inputs import load_article

DEFAULT_DIGEST_PROMPT = "digest/v1"

#: Why the digest asks the model nothing by default: the judgements against code alone on
#: the story gold (``summary/v8`` summaries, the embedded 1.5B), measured with
#: ``newsbrief eval run --task digest --model local/qwen2.5-coder-1.5b``, with and without
#: (then) ``--code-only``; ``--ask-model`` asks them now.
ASK_MODEL_MEASURED = (
    "seeds: event F1 0.733 asked vs 0.750 code-only, party, position, merge and dispute F1 "
    "equal; dev/tune: position F1 0.370 vs 0.357, all else equal; dev/test: all equal; "
    "the questions cost 26 calls and about 30 s on the seeds"
)

#: Called after each article's summary: (article id, its run, served from the cache?).
ArticleHook = Callable[[str, SummaryRun, bool], None]
#: Called with an article's id and the error it could not be summarized with.
FailureHook = Callable[[str, Exception], None]


class Digester:
    """A configured digest: one summarizer (model and summary prompt) and one digest prompt.

    Args:
        model: The model of the per-article summaries and of the digest's questions, as for
            [Summarizer][summarize.pipeline.Summarizer] (ignored when ``summarizer`` is
            given).
        prompt: The prompt version of the per-article summaries (default ``summary/v8``).
        digest_prompt: The prompt version of the digest's yes/no questions (default
            ``digest/v1``).
        cache: Where per-article summary runs are kept between digests: a
            ``summarize.digest.cache.SummaryCache``, a folder for one, True for the
            per-user cache (``$NEWSBRIEF_CACHE_DIR``), or False for none.
        summarizer: A [Summarizer][summarize.pipeline.Summarizer] already built (its model
            loaded), used instead of ``model`` and ``prompt``.
        ask_model: True asks the model the digest prompt's yes/no questions (two events
            that may be one, two stances that may be one, two versions of a fact that may
            disagree); False (the default) digests by code alone: only near-identical items
            merge, and no discrepancy is found beyond dates. With the embedded 1.5B the
            questions bought almost nothing
            ([ASK_MODEL_MEASURED][summarize.digest.pipeline.ASK_MODEL_MEASURED]); ask them
            of a stronger endpoint model.

    Raises:
        UnknownModelError: ``model`` names no known model.
        UnknownPromptError: ``prompt`` or ``digest_prompt`` names no version.
    """

    def __init__(
        self,
        model: str | StructuredBackend | None = None,
        prompt: str | None = None,
        *,
        digest_prompt: str | None = None,
        cache: SummaryCache | Path | bool = True,
        summarizer: Summarizer | None = None,
        ask_model: bool = False,
    ) -> None:
        self.summarizer = summarizer or Summarizer(model, prompt)
        self.ask_model = ask_model
        self.digest_prompt = load_prompt(digest_prompt or DEFAULT_DIGEST_PROMPT)
        if isinstance(cache, SummaryCache) or cache is False:
            self.cache: SummaryCache | None = cache or None
        else:
            self.cache = SummaryCache(None if cache is True else Path(cache))

    def summarize(self, article: StoryArticle) -> tuple[SummaryRun, bool]:
        """The article's summary run, and whether it came from the cache."""
        loaded = load_article(article.text, max_chars=self.summarizer.max_chars)
        text = loaded.text
        given = article.published or loaded.published  # an HTML page's own date
        published = str(given) if given else None
        key = summary_key(
            self.summarizer.backend.describe(),
            self.summarizer.prompt_hash,
            self.summarizer.params,
            text,
            published,
            behaviour_hash=self.summarizer.behaviour_hash,
        )
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit, True
        run = self.summarizer.run(text, published=given)
        if self.cache is not None:
            self.cache.put(key, run)
        return run, False

    def run(
        self,
        articles: Sequence[ArticleInput],
        *,
        on_article: ArticleHook | None = None,
        on_failure: FailureHook | None = None,
    ) -> DigestRun:
        """Summarize (or fetch from the cache) every article, then digest them.

        An article that cannot be summarized (its model answer fails validation, its text
        is unusable) is reported in ``DigestRun.failed`` and through ``on_failure``, and the
        digest is made of the others; only when no article can be summarized is the first
        error raised.

        Args:
            articles: Texts (``str``), files or folders (``Path``), or
                [StoryArticle][summarize.digest.sources.StoryArticle], in story order.
            on_article: Called after each article's summary with its id, its run and
                whether it came from the cache (for progress).
            on_failure: Called with an article's id and its error when it cannot be
                summarized.

        Returns:
            The [DigestRun][summarize.core.result.DigestRun]: the
            [StoryDigest][summarize.core.digest.StoryDigest], every article's summary run (its
            ``text`` is what evidence offsets point into), the ids served from the cache,
            the articles that failed, and the digest step's own calls and seconds.

        Raises:
            SummarizeError: No article could be summarized (the first error, as one of its
                typed subclasses).
        """
        sources = story_articles(articles)
        started = time.perf_counter()
        runs: dict[str, SummaryRun] = {}
        cached: list[str] = []
        failed: dict[str, SummarizeError] = {}
        for article in sources:
            try:
                run, hit = self.summarize(article)
            except SummarizeError as exc:
                failed[article.id] = exc
                if on_failure is not None:
                    on_failure(article.id, exc)
                continue
            runs[article.id] = run
            if hit:
                cached.append(article.id)
            if on_article is not None:
                on_article(article.id, run, hit)
        if not runs and failed:
            raise next(iter(failed.values()))
        summaries_s = time.perf_counter() - started
        ledger = Ledger()
        kept = [a for a in sources if a.id in runs]
        digest = self.digest(kept, runs, ledger)
        return DigestRun(
            digest=digest,
            summaries=runs,
            cached=cached,
            failed={a: f"{type(e).__name__}: {e}" for a, e in failed.items()},
            model=self.summarizer.backend.model_id,
            prompt=self.summarizer.prompt_name,
            digest_prompt=self.digest_prompt.name,
            calls=ledger.calls,
            summaries_s=summaries_s,
            digest_s=time.perf_counter() - started - summaries_s,
        )

    def digest(
        self, sources: Sequence[StoryArticle], runs: dict[str, SummaryRun], ledger: Ledger
    ) -> StoryDigest:
        """The digest of summaries already made (``runs`` by article id, in story order)."""
        judge = (
            Judge(self.summarizer.backend, self.digest_prompt, ledger) if self.ask_model else None
        )
        texts = {article: run.text for article, run in runs.items()}
        summaries = {article: run.summary for article, run in runs.items()}
        index = unify_parties(summaries)
        positions = merge_positions(index, texts, judge)
        timeline, date_conflicts = build_timeline(summaries, texts, judge)
        disputes = merge_disputes(index)
        discrepancies = [*date_conflicts, *find_discrepancies(timeline, positions, texts, judge)]
        articles = [
            DigestArticle(
                id=a.id,
                title=runs[a.id].summary.headline,
                published=runs[a.id].summary.published,
                source=a.source,
            )
            for a in sources
        ]
        return StoryDigest.model_validate(
            {
                "articles": articles,
                "parties": index.parties,
                "positions": positions,
                "timeline": timeline,
                "disputes": disputes,
                "discrepancies": discrepancies,
            },
            context={"texts": texts},
        )


def digest_articles(
    articles: Sequence[ArticleInput],
    *,
    model: str | StructuredBackend | None = None,
    prompt: str | None = None,
    digest_prompt: str | None = None,
    cache: SummaryCache | Path | bool = True,
    ask_model: bool = False,
) -> StoryDigest:
    """One grounded view of a story told by several articles.

    Each article is summarized (or served from the summary cache when unchanged); then
    parties are unified across sources, and positions, a timeline, disputes and the places
    where the sources disagree are merged, every item with its evidence in the articles.

    Args:
        articles: Texts (``str``), files or folders (``Path``), or
            [StoryArticle][summarize.digest.sources.StoryArticle]; every evidence span of the
            digest cites an article id (a file's stem, or ``a1``, ``a2``... for texts).
        model: The model, as for [summarize_article][summarize.pipeline.summarize_article].
        prompt: The prompt version of the per-article summaries (default ``summary/v8``).
        digest_prompt: The prompt version of the judgement questions (default
            ``digest/v1``).
        cache: The summary cache, as for [Digester][summarize.digest.pipeline.Digester].
        ask_model: Ask the model the digest prompt's yes/no questions, as for
            [Digester][summarize.digest.pipeline.Digester] (default False: code alone).

    Returns:
        The [StoryDigest][summarize.core.digest.StoryDigest].

    Raises:
        SummarizeError: Any failure, as one of its typed subclasses.
    """
    digester = Digester(
        model, prompt, digest_prompt=digest_prompt, cache=cache, ask_model=ask_model
    )
    return digester.run(articles).digest
