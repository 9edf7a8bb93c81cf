"""A tiny synthetic story (three articles) with its gold digest, for the digest eval tests.

``GOLD`` is written the way annotators write ``gold.json``: quotes as ``{"article", "quote"}``
without offsets. :func:`gold` and :func:`prediction` locate them in :data:`TEXTS`;
:func:`write_story` lays the story out as a story folder.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from evals.gold.digest import GoldStoryDigest
from summarize.core.digest import StoryDigest

TEXTS = {
    "a1": (
        "Viktor Orban met Xi Jinping in Beijing on 8 July 2024. Orban said the war in "
        "Ukraine must end soon. Orban and Xi Jinping had first met in Beijing in October "
        "2023. The EU criticised the visit on 9 July 2024, calling it a betrayal of "
        "European unity.\n"
    ),
    "a2": (
        "Hungarian Prime Minister Viktor Orbán travelled to Beijing on 8 July 2024 to meet "
        "Xi. Orbán told reporters that the war in Ukraine must end soon. Officials of the "
        "EU said the trip undermined the bloc. Reports put the Hungarian delegation at 40 "
        "people.\n"
    ),
    "a3": (
        "Orban arrived in Beijing on Monday with a delegation of 50 people, officials in "
        "Hungary said.\n"
    ),
}


def q(article: str, quote: str) -> dict[str, str]:
    return {"article": article, "quote": quote}


ORBAN = {
    "name": "Viktor Orbán",
    "kind": "person",
    "role": "Prime Minister of Hungary",
    "aliases": ["Viktor Orban", "Orban"],
    "mentions": [
        {"article": "a1", "name": "Viktor Orban"},
        {"article": "a2", "name": "Viktor Orbán"},
        {"article": "a3", "name": "Orban"},
    ],
    "articles": ["a1", "a2", "a3"],
    "evidence": [
        q("a1", "Viktor Orban met Xi Jinping"),
        q("a2", "Hungarian Prime Minister Viktor Orbán"),
        q("a3", "Orban arrived in Beijing"),
    ],
}
XI = {
    "name": "Xi Jinping",
    "kind": "person",
    "aliases": ["Xi"],
    "mentions": [{"article": "a1", "name": "Xi Jinping"}, {"article": "a2", "name": "Xi"}],
    "articles": ["a1", "a2"],
    "evidence": [q("a1", "met Xi Jinping in Beijing"), q("a2", "to meet Xi")],
}
EU = {
    "name": "European Union",
    "kind": "organization",
    "aliases": ["EU"],
    "mentions": [{"article": "a1", "name": "EU"}, {"article": "a2", "name": "EU"}],
    "articles": ["a1", "a2"],
    "evidence": [
        q("a1", "The EU criticised the visit"),
        q("a2", "Officials of the EU said the trip undermined the bloc"),
    ],
}
HUNGARY = {
    "name": "Hungary",
    "kind": "state",
    "required": False,
    "mentions": [{"article": "a3", "name": "Hungary"}],
    "articles": ["a3"],
    "evidence": [q("a3", "officials in Hungary said")],
}

WAR = {
    "party": "Viktor Orbán",
    "topic": "the war in Ukraine",
    "stance": "must end soon",
    "polarity": "support",
    "articles": ["a1", "a2"],
    "evidence": [
        q("a1", "Orban said the war in Ukraine must end soon"),
        q("a2", "the war in Ukraine must end soon"),
    ],
}
VISIT = {
    "party": "European Union",
    "topic": "Orban's visit to Beijing",
    "stance": "a betrayal of European unity",
    "polarity": "oppose",
    "articles": ["a1", "a2"],
    "evidence": [
        q("a1", "calling it a betrayal of European unity"),
        q("a2", "the trip undermined the bloc"),
    ],
}

FIRST_MEETING = {
    "event": "Orban and Xi meet in Beijing",
    "value": "2023-10",
    "dates": [{"article": "a1", "text": "in October 2023", "value": "2023-10"}],
    "articles": ["a1"],
    "evidence": [q("a1", "had first met in Beijing in October 2023")],
}
MEETING = {
    "event": "Orban meets Xi in Beijing",
    "value": "2024-07-08",
    "dates": [
        {"article": "a1", "text": "on 8 July 2024", "value": "2024-07-08"},
        {"article": "a2", "text": "on 8 July 2024", "value": "2024-07-08"},
        {"article": "a3", "text": "on Monday"},
    ],
    "articles": ["a1", "a2", "a3"],
    "evidence": [
        q("a1", "Viktor Orban met Xi Jinping in Beijing on 8 July 2024"),
        q("a2", "travelled to Beijing on 8 July 2024 to meet Xi"),
        q("a3", "Orban arrived in Beijing on Monday"),
    ],
}
CRITICISM = {
    "event": "The EU criticises the visit",
    "value": "2024-07-09",
    "dates": [{"article": "a1", "text": "on 9 July 2024", "value": "2024-07-09"}],
    "articles": ["a1"],
    "evidence": [q("a1", "The EU criticised the visit on 9 July 2024")],
}

DISPUTE = {
    "sides": [["European Union"], ["Viktor Orbán"]],
    "issue": "Orban's visit to Beijing",
    "description": "The EU says the visit betrays European unity.",
    "articles": ["a1", "a2"],
    "evidence": [q("a1", "The EU criticised the visit"), q("a2", "the trip undermined the bloc")],
}
DELEGATION = {
    "kind": "figure",
    "about": "the size of the Hungarian delegation",
    "versions": [
        {
            "article": "a2",
            "claim": "40 people",
            "evidence": [q("a2", "the Hungarian delegation at 40 people")],
        },
        {
            "article": "a3",
            "claim": "50 people",
            "evidence": [q("a3", "with a delegation of 50 people")],
        },
    ],
}

GOLD: dict[str, Any] = {
    "story": "orban_beijing",
    "articles": [{"id": "a1", "published": "2024-07-09"}, {"id": "a2"}, {"id": "a3"}],
    "parties": [ORBAN, XI, EU, HUNGARY],
    "positions": [WAR, VISIT],
    "timeline": [FIRST_MEETING, MEETING, CRITICISM],
    "disputes": [DISPUTE],
    "discrepancies": [DELEGATION],
}


def locate(node: Any) -> Any:
    """A copy with offsets added to every quote (as the gold loader does)."""
    if isinstance(node, list):
        return [locate(n) for n in node]
    if isinstance(node, dict):
        if "quote" in node and "article" in node:
            start = TEXTS[node["article"]].index(node["quote"])
            return {**node, "start": start, "end": start + len(node["quote"])}
        return {k: locate(v) for k, v in node.items()}
    return node


def _strip_gold_only(node: Any) -> Any:
    if isinstance(node, list):
        return [_strip_gold_only(n) for n in node]
    if isinstance(node, dict):
        return {k: _strip_gold_only(v) for k, v in node.items() if k not in ("required", "story")}
    return node


def gold(**fields: Any) -> GoldStoryDigest:
    """The gold digest, with ``fields`` (quote form) replacing its lists."""
    data = copy.deepcopy(GOLD)
    data.update(copy.deepcopy(fields))
    return GoldStoryDigest.model_validate(locate(data), context={"texts": TEXTS})


def prediction(**fields: Any) -> StoryDigest:
    """The gold as a plain digest, with ``fields`` (quote form) replacing its lists."""
    data = copy.deepcopy(GOLD)
    data.update(copy.deepcopy(fields))
    return StoryDigest.model_validate(_strip_gold_only(locate(data)), context={"texts": TEXTS})


def write_story(folder: Path, name: str = "orban_beijing") -> Path:
    """The story as a story folder: a1.txt, a2.txt, a3.txt and gold.json."""
    folder.mkdir(parents=True, exist_ok=True)
    for article, text in TEXTS.items():
        (folder / f"{article}.txt").write_text(text, encoding="utf-8")
    data = copy.deepcopy(GOLD)
    data["story"] = name
    data["articles"] = [{**a, "path": f"{a['id']}.txt"} for a in data["articles"]]
    (folder / "gold.json").write_text(
        json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    return folder
