"""Gold from a model's summary, for a person to correct: the cheap start of an annotation.

Writing gold from nothing takes an annotator most of an hour per article; correcting a
draft takes a fraction of that. The draft is model output, so everything in it is marked
``"review": true``; the loader refuses such a file until a person has checked each item
against the article and the guide (``ANNOTATION_GUIDE.md``) and deleted the marker.
"""

from __future__ import annotations

from typing import Any

from evals.gold.loader import REVIEW_KEY
from evals.gold.shapes import ITEM_FIELDS


def draft_gold(summary: Any, article_name: str) -> dict[str, Any]:
    """The gold-file object for ``summary`` (an ArticleSummary) of article ``article_name``.

    Evidence becomes the plain quote strings a gold file holds (the loader finds their
    offsets again); every item is ``required: true`` until the annotator decides otherwise.
    """
    data = summary.model_dump(mode="json")
    gold: dict[str, Any] = {"article": article_name, REVIEW_KEY: True}
    for key, value in data.items():
        if key not in ITEM_FIELDS:
            gold[key] = value
    for field in ITEM_FIELDS:
        items = []
        for raw in data.get(field) or []:
            # The marker first, so that deleting its line ("review": true,) keeps the JSON valid.
            item = {REVIEW_KEY: True, **raw, "required": True}
            item["evidence"] = [ev["quote"] for ev in raw.get("evidence") or []]
            items.append(item)
        gold[field] = items
    return gold


__all__ = ["draft_gold"]
