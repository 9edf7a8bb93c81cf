"""One party across articles, by name: spellings, titles and mangled letters folded away.

Code decides this alone, because names are what code compares reliably
(:func:`summarize.core.names.same_name`: "Viktor Orbán" / "Orbn" / "Orban", "President Xi" /
"Xi Jinping"; only people by surname, so "Sudan" is not "South Sudan"), and states by the
gazetteer ("US" / "United States"). Two parties of one article are never merged: the
article's own summary already judged them different, and that also stops a chain of surname
matches from joining strangers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from summarize.core.digest import DigestParty, PartyMention, SourceEvidence
from summarize.core.names import fold_name, same_name
from summarize.core.schema import ArticleSummary, Party
from summarize.reading.places import gazetteer

#: Evidence spans kept per article for one party (the first ones: where it is introduced).
EVIDENCE_PER_ARTICLE = 2


@dataclass
class _Cluster:
    members: list[tuple[str, Party]] = field(default_factory=list)

    @property
    def articles(self) -> set[str]:
        return {article for article, _ in self.members}

    def names(self) -> list[str]:
        return [n for _, party in self.members for n in party.names()]

    def kinds(self) -> set[str]:
        return {party.kind for _, party in self.members}


@dataclass
class PartyIndex:
    """The unified parties, and which digest party each article's party name stands for."""

    parties: list[DigestParty]
    by_article: dict[tuple[str, str], str]
    summaries: dict[str, ArticleSummary]

    def resolve(self, article: str, name: str) -> str | None:
        """The digest party that ``name`` (a party name or alias in ``article``) denotes."""
        local = self.summaries[article].find_party(name)
        return self.by_article.get((article, local.name)) if local is not None else None


def unify_parties(summaries: dict[str, ArticleSummary]) -> PartyIndex:
    """Cluster every article's parties by name; ``summaries`` in the story's article order."""
    clusters: list[_Cluster] = []
    for article, summary in summaries.items():
        for party in summary.parties:
            target = _best_cluster(clusters, article, party)
            if target is None:
                clusters.append(_Cluster(members=[(article, party)]))
            else:
                target.members.append((article, party))
    parties, by_article = [], {}
    for cluster in clusters:
        digest_party = _digest_party(cluster)
        parties.append(digest_party)
        for article, party in cluster.members:
            by_article[(article, party.name)] = digest_party.name
    return PartyIndex(parties=parties, by_article=by_article, summaries=summaries)


def _best_cluster(clusters: list[_Cluster], article: str, party: Party) -> _Cluster | None:
    """The cluster ``party`` joins: an exact folded name first, else a same-name match of
    the same kind; never one that already holds a party of this article."""
    names = party.names()
    folded = {fold_name(n) for n in names} - {""}
    open_clusters = [c for c in clusters if article not in c.articles]
    for cluster in open_clusters:
        if folded & {fold_name(n) for n in cluster.names()}:
            return cluster
    persons = party.kind == "person"
    for cluster in open_clusters:
        if party.kind in cluster.kinds() and any(
            same_name(a, b, persons=persons) for a in names for b in cluster.names()
        ):
            return cluster
    if party.kind == "state":
        states = _states(names)
        for cluster in open_clusters:
            if "state" in cluster.kinds() and states & _states(cluster.names()):
                return cluster
    return None


def _states(names: list[str]) -> set[str]:
    """The countries a state's names name, by the gazetteer ("US", "U.S.", "the United
    States" are one), so one article's "US" and another's "United States" are one party."""
    places = gazetteer()
    return {state for state in map(places.state, names) if state is not None}


def _digest_party(cluster: _Cluster) -> DigestParty:
    canonical = Counter(party.name for _, party in cluster.members)
    # The most used name; among equals the fullest, then one with its accents kept.
    name = max(canonical, key=lambda n: (canonical[n], len(n.split()), n != _ascii(n), len(n)))
    aliases: list[str] = []
    for n in cluster.names():
        if n != name and n not in aliases:
            aliases.append(n)
    kinds = Counter(party.kind for _, party in cluster.members)
    roles = Counter(party.role for _, party in cluster.members if party.role)
    evidence = [
        SourceEvidence(article=article, quote=e.quote, start=e.start, end=e.end)
        for article, party in cluster.members
        for e in party.evidence[:EVIDENCE_PER_ARTICLE]
    ]
    articles = list(dict.fromkeys(article for article, _ in cluster.members))
    return DigestParty(
        name=name,
        kind=kinds.most_common(1)[0][0],
        role=roles.most_common(1)[0][0] if roles else None,
        aliases=aliases,
        mentions=[PartyMention(article=a, name=p.name) for a, p in cluster.members],
        articles=articles,
        evidence=evidence,
    )


def _ascii(text: str) -> str:
    return text.encode("ascii", "ignore").decode()
