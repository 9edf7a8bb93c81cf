"""One keyed merge of parties and evidence, for a single answer and for the chunks of a
long article alike: the same actor under two names is one party however it arrived."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from summarize.core.names import fold_name, fold_text, resolve_name, same_name


def merge_parties(parties: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per actor, from party dicts (of one answer, or of every chunk).

    Parties match when any name or alias of one is :func:`same_name` as one of the other's;
    the fuller name becomes the name, the rest aliases, and evidence is pooled.

    A party that matches two earlier ones joins the first and does not fuse them: merging is
    not made transitive, so one loose alias ("Smith") cannot turn two people into one.
    """
    merged: list[dict[str, Any]] = []
    for party in parties:
        names = [party["name"], *party["aliases"]]
        twin = next(
            (
                m
                for m in merged
                if any(
                    same_name(a, b, persons=_persons(party, m))
                    for a in names
                    for b in [m["name"], *m["aliases"]]
                )
            ),
            None,
        )
        if twin is None:
            merged.append(
                {
                    **party,
                    "aliases": list(party["aliases"]),
                    "evidence": unique_evidence(party["evidence"]),
                }
            )
            continue
        if _fullness(party["name"]) > _fullness(twin["name"]) and same_name(
            party["name"], twin["name"], persons=_persons(party, twin)
        ):
            twin["name"] = party["name"]  # "Orban" first, "Viktor Orbán" later: keep the full name
        twin["aliases"] = [*twin["aliases"], *names]
        if not (twin.get("role") or "").strip() and (party.get("role") or "").strip():
            twin["role"] = party["role"]
        add_evidence(twin, party["evidence"])
    for party in merged:
        party["aliases"] = _clean_aliases(party["name"], party["aliases"])
    return merged


def _persons(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two parties may match by surname: both people ("Orban" / "Viktor Orban").
    A state or an organisation named by one of its words is another party ("Sudan" /
    "South Sudan"); a party without a kind is treated as a person, as before kinds."""
    return a.get("kind", "person") == "person" and b.get("kind", "person") == "person"


def _fullness(name: str) -> int:
    """How complete a name is: the number of words left once titles are removed."""
    return len(fold_name(name).split())


def _clean_aliases(name: str, aliases: list[str]) -> list[str]:
    """Aliases once each, without the name itself (compared folded: "Orbán" is "Orban").

    Shorter forms the article uses ("Orban" for "Viktor Orban") are kept: the annotation
    guide lists every form the article prints, and a reader searching the text needs them.
    """
    out: list[str] = []
    seen: set[str] = {fold_text(name)}
    for alias in aliases:
        alias = alias.strip()
        key = fold_text(alias)
        if alias and key not in seen:
            seen.add(key)
            out.append(alias)
    return out


def canonical_party_name(name: str, parties: list[dict[str, Any]]) -> str | None:
    """The name of the party in ``parties`` that ``name`` refers to
    (:func:`~summarize.core.names.resolve_name`: an exact fold wins); None when no party
    goes by that name."""
    found = resolve_name(
        name,
        [([p["name"], *p["aliases"]], p.get("kind", "person") == "person") for p in parties],
    )
    return None if found is None else parties[found]["name"]


def unique_evidence(evidence: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for item in evidence:
        key = (item["start"], item["end"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def add_evidence(into: dict[str, Any], evidence: Iterable[dict[str, Any]]) -> None:
    into["evidence"] = unique_evidence([*into["evidence"], *evidence])
