"""A linear probe over the summarizing model's own hidden states: is this passage an
instruction to whoever processes the article? (``defence/v3``, issue 20 item 5) Or, with the
``target`` ``furniture`` (``defence/v5``), is it page furniture rather than the story? A
furniture probe that ``reads`` ``in_context`` (``defence/v6``) reads a line's hidden states
inside its article rather than the line embedded alone.

The 1.5B's written or scored yes/no to that question had no signal (``defence/v2``); its
hidden states do: a logistic regression over a passage's mean-pooled embedding separates the
payloads of the injection development suites and ``evals/suites/injection_train`` from news,
hard news included (reported rules about software, real corrections, quoted orders), at AUC
0.96 out of fold (``benchmarks/probe_payload_encoders.py``, which also writes the files).

A probe file belongs to one encoder: the model id and the sha256 of its weights are in the
file, and :func:`for_backend` returns nothing for any other model, so another model falls
back to the question. The threshold in the file was fixed by a rule before any held-out
measurement: the lowest at which no passage of ``evals/suites/dev/tune`` is flagged out of fold.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from summarize.core.backend import IN_CONTEXT
from summarize.core.errors import UnknownPromptError


class ProbeFileError(UnknownPromptError):
    """A defence prompt's probe file that cannot be read or does not describe a probe."""


class Probe(BaseModel):
    """One trained probe: ``p = sigmoid(coef . x + intercept)`` on a unit-length embedding,
    yes when ``p >= threshold``. The scaler the probe was trained behind is folded into
    ``coef`` and ``intercept``."""

    model_config = ConfigDict(frozen=True)

    encoder: str = Field(description="the backend's model id and pooling the probe reads")
    target: Literal["instruction", "furniture"] = Field(
        default="instruction",
        description="what yes means: an instruction to whoever processes the article, or a "
        "passage of page furniture rather than the story's reporting",
    )
    reads: Literal["passage", "in_context"] = Field(
        default="passage",
        description="what the probe reads: a passage embedded alone (mean-pooled), or a "
        "line's hidden states read inside its article (defence/v6)",
    )
    weights_sha256: str | None = None
    threshold: float = Field(gt=0, lt=1)
    coef: tuple[float, ...]
    intercept: float
    C: float | None = None
    trained_on: dict[str, Any] = Field(default_factory=dict)
    command: str | None = None

    @classmethod
    def load(cls, path: Path) -> Probe:
        try:
            return cls.model_validate(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            raise ProbeFileError(f"{path} is not a probe file: {exc}") from None

    def probability(self, vector: list[float]) -> float:
        """The probe's probability that the embedded passage is of its ``target`` kind."""
        if len(vector) != len(self.coef):
            raise ProbeFileError(
                f"the probe reads {len(self.coef)}-dimensional vectors, the encoder gave "
                f"{len(vector)}: it belongs to another model"
            )
        logit = math.fsum(w * x for w, x in zip(self.coef, vector, strict=True)) + self.intercept
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0

    def fits(self, backend: Any) -> bool:
        """Whether ``backend`` is the encoder this probe was trained on: the same model id
        and, where both are known, the same weights file."""
        pooling, method = (
            (IN_CONTEXT, "embed_in_context")
            if self.reads == "in_context"
            else ("mean-pooled", "embed_passages")
        )
        if f"{getattr(backend, 'model_id', None)} {pooling}" != self.encoder:
            return False
        if not hasattr(backend, method):
            return False
        sha = getattr(backend, "sha256", None)
        return self.weights_sha256 is None or sha is None or sha == self.weights_sha256


def for_backend(files: dict[str, Path], names: list[str], backend: Any) -> Probe | None:
    """The probe among ``names`` (files of a defence prompt, by relative name) that was
    trained on ``backend``'s own model, or None."""
    for name in names:
        if name not in files:
            raise ProbeFileError(f"the defence prompt names a probe file {name!r} it does not have")
        probe = Probe.load(files[name])
        if probe.fits(backend):
            return probe
    return None


__all__ = ["Probe", "ProbeFileError", "for_backend"]
