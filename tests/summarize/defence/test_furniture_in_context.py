"""defence/v6: the furniture probe reads each line inside its article (one pass over the
whole text), while the instruction probe still reads the suspects alone (fast; a fake
backend gives "hidden states" by a rule that can see the lines before a line)."""

from __future__ import annotations

import json

import pytest

from summarize.core.backend import IN_CONTEXT, CallRecord, PassageEmbeddings
from summarize.core.ledger import Ledger
from summarize.defence import probe, screening
from summarize.pipeline import Summarizer
from summarize.prompting import load_prompt
from summarize.providers.weights import EMBEDDED_WEIGHTS
from tests.summarize.defence.test_furniture import (  # the same fakes, probe and layers
    NEWS,
    ORDER,
    TAIL,
    BoxFake,
    _instruction,
    _screen,
    every_layer,  # noqa: F401 (an autouse fixture: every layer on)
)

HEADING = "COMMUNITY LOTTERY"
#: A box's line that reads like news when cut from its heading: only context gives it away.
GOOD_CAUSE = "This week's good cause, the Kelvin Wharf Trust, now co-owns the bridge."


class ContextFake(BoxFake):
    """In context, a line's "hidden states" are (under a box heading so far, neither); a
    passage embedded alone is judged by BoxFake's rule."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[tuple[str, list[str]]] = []

    def embed_in_context(
        self, text: str, spans: list[tuple[int, int]], *, purpose: str
    ) -> PassageEmbeddings:
        self.read.append((text, [text[a:b] for a, b in spans]))
        record = CallRecord(
            purpose=purpose,
            model=self.model_id,
            mode="embedding",
            attempt=1,
            ok=True,
            latency_s=0.01,
        )
        vectors = []
        for a, _ in spans:
            boxed = HEADING in text[:a]
            vectors.append([float(boxed), float(not boxed)])
        return PassageEmbeddings(
            encoder=f"{self.model_id} {IN_CONTEXT}", vectors=vectors, calls=[record]
        )


def _in_context(threshold: float = 0.5) -> probe.Probe:
    return probe.Probe(
        encoder=f"fake/heuristic {IN_CONTEXT}",
        target="furniture",
        reads="in_context",
        threshold=threshold,
        coef=(4.0, -4.0),
        intercept=0.0,
    )


def test_a_line_is_read_inside_its_article_in_one_pass() -> None:
    text = "\n\n".join((NEWS, ORDER, TAIL, HEADING, GOOD_CAUSE)) + "\n"
    backend, ledger = ContextFake(), Ledger()
    found = _screen(text, backend, ledger, probe=_instruction(), furniture=_in_context())
    assert found == [(ORDER, "judge"), (GOOD_CAUSE, "furniture")]
    # the order was masked by the instruction probe, which read the suspect alone
    assert backend.embedded == [[ORDER]]
    # one pass over the whole text (masked lines included), the lines left in view judged;
    # the heading has fewer than four words and is not judged
    assert backend.read == [(text, [NEWS, TAIL, GOOD_CAUSE])]
    furniture = [(c.about, c.chosen) for c in ledger.choices if c.kind == "furniture"]
    assert furniture == [(NEWS[:120], "story"), (TAIL, "story"), (GOOD_CAUSE, "furniture")]
    assert "read in context" in next(
        f.reason
        for f in screening.screen(
            text,
            [],
            backend=ContextFake(),
            messages=lambda p: [],
            ledger=Ledger(),
            furniture=_in_context(),
        )
    )


def test_the_same_line_alone_is_not_masked_by_the_passage_probe() -> None:
    """What context buys: embedded alone (v5's probe), the box's line reads as news."""
    text = "\n\n".join((NEWS, HEADING, GOOD_CAUSE)) + "\n"
    passage_probe = probe.Probe(
        encoder="fake/heuristic mean-pooled",
        target="furniture",
        threshold=0.5,
        coef=(0.0, 4.0, -4.0),
        intercept=-1.0,
    )
    assert _screen(text, ContextFake(), Ledger(), furniture=passage_probe) == []
    assert _screen(text, ContextFake(), Ledger(), furniture=_in_context()) == [
        (GOOD_CAUSE, "furniture")
    ]


def test_a_failed_pass_leaves_every_line_in_view_and_is_recorded() -> None:
    from summarize.core.errors import BackendError

    class Failing(ContextFake):
        def embed_in_context(self, text, spans, *, purpose):
            error = BackendError("llama.cpp could not read the article's hidden states: boom")
            error.calls = [
                CallRecord(
                    purpose=purpose,
                    model=self.model_id,
                    mode="embedding",
                    attempt=1,
                    ok=False,
                    error="boom",
                    latency_s=0.01,
                )
            ]
            raise error

    ledger = Ledger()
    text = "\n\n".join((NEWS, HEADING, GOOD_CAUSE)) + "\n"
    assert _screen(text, Failing(), ledger, furniture=_in_context()) == []
    assert [(c.ok, c.error, c.purpose) for c in ledger.calls] == [(False, "boom", "defence")]


def test_an_in_context_probe_fits_only_a_backend_that_reads_in_context() -> None:
    assert _in_context().fits(ContextFake())
    assert not _in_context().fits(BoxFake())  # no embed_in_context
    passage = _instruction()
    assert passage.fits(ContextFake()) and not passage.model_copy(
        update={"reads": "in_context"}
    ).fits(ContextFake())


def test_the_pipeline_reads_the_in_context_probe_of_defence_v6(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "\n\n".join((NEWS, TAIL, HEADING, GOOD_CAUSE)) + "\n"

    def for_backend(files, names, backend):
        if not names:
            return None
        return _in_context() if names[0].startswith("furniture-") else _instruction()

    monkeypatch.setattr(probe, "for_backend", for_backend)
    for version, masked in (("defence/v3", []), ("defence/v6", [(GOOD_CAUSE, "furniture")])):
        monkeypatch.setenv(screening.DEFENCE_PROMPT_ENV, version)
        run = Summarizer(ContextFake(), "summary/v8").run(text)
        assert [(m.text, m.layer) for m in run.masked] == masked, version
    assert "Kelvin" not in run.summary.model_dump_json()


@pytest.mark.parametrize("name", load_prompt("defence/v6").settings["furniture_probes"])
def test_each_shipped_in_context_probe_names_its_model_and_weights(name: str) -> None:
    defence = load_prompt("defence/v6")
    found = probe.Probe.load(defence.files[name])
    model = found.encoder.removeprefix("local/").removesuffix(f" {IN_CONTEXT}")
    assert name == f"furniture-context-{model}.json"
    assert found.target == "furniture" and found.reads == "in_context"
    assert found.weights_sha256 == EMBEDDED_WEIGHTS[model].sha256
    assert 0.5 <= found.threshold < 1.0
    assert len(found.coef) == 2 * 1536 and found.trained_on["passages"] > 1000
    assert json.loads(defence.files[name].read_text("utf-8"))["command"].startswith(
        "python benchmarks/probe_furniture.py --encoder gguf:qwen2.5-coder-1.5b --in-context"
    )
