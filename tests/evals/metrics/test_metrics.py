"""Pins every matching rule of ``evals.metrics`` with small hand-made summaries.

Each test states a decision: what must match, what must not (near misses), how optional gold
counts, and what empty fields score. Gold items carrying ``required`` are built from local
subclasses of the schema items, the same shape ``evals.gold`` uses, so these tests do not
depend on that module.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from evals.metrics import (
    DATE_TEXT_THRESHOLD,
    FIELDS,
    POSITION_THRESHOLD,
    ArticleScores,
    FieldScore,
    aggregate_scores,
    date_similarity,
    describe_item,
    field_score,
    grounding_rate,
    optimal_pairs,
    party_similarity,
    resolve_party,
    score_article,
    score_dates,
    score_disputes,
    score_parties,
    score_positions,
    text_similarity,
)
from summarize.core.names import same_name
from summarize.core.schema import (
    ArticleSummary,
    DateRef,
    Dispute,
    Evidence,
    Party,
    PartyKind,
    Polarity,
    Position,
)

ARTICLE = (
    "BEIJING, July 8, 2024 - Hungarian Prime Minister Viktor Orbán met Chinese President "
    "Xi Jinping in Beijing on Monday. Orbn called the trip a peace mission for Ukraine. "
    "Xi said China supports an early ceasefire in Ukraine. The US State Department said "
    "it was concerned by the meeting. The European Union criticized the visit last week."
)
QUOTE = "Viktor Orbán met Chinese President"


def ev(quote: str = QUOTE) -> Evidence:
    start = ARTICLE.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


# --- local gold shapes: the schema items plus `required` --------------------------------------
class GParty(Party):
    required: bool = True


class GPosition(Position):
    required: bool = True


class GDate(DateRef):
    required: bool = True


class GDispute(Dispute):
    required: bool = True


def party(
    name: str,
    kind: PartyKind = "person",
    aliases: tuple[str, ...] = (),
    required: bool | None = None,
) -> Party:
    fields: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "aliases": list(aliases),
        "evidence": [ev()],
    }
    return Party(**fields) if required is None else GParty(**fields, required=required)


def position(
    party_name: str,
    topic: str,
    stance: str,
    polarity: Polarity = "support",
    required: bool | None = None,
) -> Position:
    fields: dict[str, Any] = {
        "party": party_name,
        "topic": topic,
        "stance": stance,
        "polarity": polarity,
        "evidence": [ev()],
    }
    return Position(**fields) if required is None else GPosition(**fields, required=required)


def date(value: str | None, text: str, event: str, required: bool | None = None) -> DateRef:
    fields: dict[str, Any] = {"value": value, "text": text, "event": event, "evidence": [ev()]}
    return DateRef(**fields) if required is None else GDate(**fields, required=required)


def dispute(sides: list[list[str]], issue: str, required: bool | None = None) -> Dispute:
    fields: dict[str, Any] = {
        "sides": sides,
        "issue": issue,
        "description": f"{sides[0][0]} disagrees over {issue}",
        "evidence": [ev()],
    }
    return Dispute(**fields) if required is None else GDispute(**fields, required=required)


def summary(
    parties: list[Party] | None = None,
    positions: list[Position] | None = None,
    dates: list[DateRef] | None = None,
    disputes: list[Dispute] | None = None,
) -> ArticleSummary:
    return ArticleSummary(
        headline="Orban meets Xi in Beijing",
        summary="Orban met Xi.",
        parties=parties or [],
        positions=positions or [],
        dates=dates or [],
        disputes=disputes or [],
    )


def parties_score(pred: list[Party], gold: list[Party]) -> FieldScore:
    return score_parties(summary(pred), summary(gold))


# --- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pred_name",
    [
        "Orbn",
        "Orban",
        "Orbán",
        "Viktor Orban",
        "Viktor Orbn",
        "Mr. Orbán",
        "Prime Minister Viktor Orbán",
        "VIKTOR ORBAN",
    ],
)
def test_orban_spellings_match_the_gold_party(pred_name: str) -> None:
    score = parties_score([party(pred_name)], [party("Viktor Orbán")])
    assert (score.tp, score.fp, score.fn, score.f1) == (1, 0, 0, 1.0)


@pytest.mark.parametrize(
    ("pred_name", "gold_name"),
    [
        ("Xi Mingze", "Xi Jinping"),  # same family name first, different person
        ("Belarus", "Russia"),
        ("EU", "European Commission"),  # an acronym of something else
        ("EU", "European Union"),  # acronym without an alias: no guessing
        ("the Chinese premier", "the Hungarian premier"),  # descriptors that fold to "premier"
        ("Anna Orban", "Viktor Orban"),
    ],
)
def test_near_misses_do_not_match(pred_name: str, gold_name: str) -> None:
    score = parties_score([party(pred_name)], [party(gold_name)])
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)
    assert not same_name(pred_name, gold_name)


def test_descriptors_and_titles_follow_the_shared_name_rule() -> None:
    assert (
        parties_score(
            [party("the Chinese government", "state")], [party("the Hungarian government", "state")]
        ).tp
        == 0
    )
    assert parties_score([party("US President")], [party("Chinese President")]).tp == 0
    assert parties_score([party("the US", "state")], [party("US", "state")]).tp == 1
    assert parties_score([party("President Xi Jinping")], [party("Xi Jinping")]).tp == 1


@pytest.mark.parametrize("where", ["gold", "pred"])
def test_acronym_matches_its_expansion_only_through_an_alias(where: str) -> None:
    with_alias = party("European Union", "organization", aliases=("EU",))
    pred, gold = (
        (party("EU", "organization"), with_alias)
        if where == "gold"
        else (with_alias, party("EU", "organization"))
    )
    assert parties_score([pred], [gold]).tp == 1


def test_alias_against_alias_matches() -> None:
    pred = party("Hungarian government", "state", aliases=("Budapest",))
    gold = party("Hungary", "state", aliases=("Budapest", "the Hungarian government"))
    assert parties_score([pred], [gold]).tp == 1


def test_resolve_party_prefers_an_exact_name_over_the_surname_rule() -> None:
    parties = [party("Anna Orban"), party("Orban")]
    assert resolve_party(parties, "Orban") == 1
    assert resolve_party(parties, "Anna Orbán") == 0
    assert resolve_party(parties, "Belarus") is None


# --- one-to-one and the P/R/F1 rules --------------------------------------------------------
def test_two_predictions_cannot_both_match_one_gold() -> None:
    score = parties_score([party("Orban"), party("Viktor Orbán")], [party("Viktor Orban")])
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)
    assert (score.precision, score.recall) == (0.5, 1.0)
    assert score.f1 == pytest.approx(2 / 3)
    assert len(score.false_positives) == 1


def test_matching_is_optimal_not_greedy() -> None:
    # "Orban" fits Viktor best (same kind) and Anna less well (other kind); "Hungarian PM"
    # fits only Viktor, through an alias. Greedy by score would give Viktor to "Orban" and
    # leave "Hungarian PM" unmatched: 1 pair instead of 2.
    pred = [party("Orban"), party("Hungarian PM", aliases=("Viktor Orban",))]
    gold = [party("Viktor Orban"), party("Anna Orban", "group")]
    weights = [[party_similarity(p, g) for g in gold] for p in pred]
    assert weights[0][0] is not None and weights[0][1] is not None
    assert weights[1][1] is None
    assert weights[0][0] > max(weights[0][1], weights[1][0] or 0.0)  # greedy takes (0, 0)
    score = parties_score(pred, gold)
    assert score.matches == [(0, 1), (1, 0)]
    assert score.f1 == 1.0


def test_a_tie_goes_to_the_required_gold_item() -> None:
    """Equal size, equal similarity: finding the required item must win, or F1 drops by luck."""
    from types import SimpleNamespace

    gold = [SimpleNamespace(required=False), SimpleNamespace(required=True)]
    for order in (gold, gold[::-1]):
        score = field_score(["prediction"], order, lambda p, g: 0.5)
        [(_, matched)] = score.matches
        assert order[matched].required and score.fn == 0 and score.f1 == 1.0


def test_optimal_pairs_agrees_with_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(200):
        n, m = rng.randint(0, 5), rng.randint(0, 5)
        weights = [
            [round(rng.random(), 3) if rng.random() < 0.45 else None for _ in range(m)]
            for _ in range(n)
        ]
        pairs = optimal_pairs(weights)
        assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
        assert all(weights[i][j] is not None for i, j in pairs)
        best = (0, 0.0)
        for k in range(min(n, m), 0, -1):
            for rows in itertools.combinations(range(n), k):
                for cols in itertools.permutations(range(m), k):
                    ws = [weights[i][j] for i, j in zip(rows, cols, strict=True)]
                    if all(w is not None for w in ws):
                        best = max(best, (k, sum(w for w in ws if w is not None)))
            if best[0]:
                break
        got = (len(pairs), sum(weights[i][j] or 0.0 for i, j in pairs))
        assert got[0] == best[0]
        assert got[1] == pytest.approx(best[1])


def test_empty_against_empty_is_perfect() -> None:
    score = parties_score([], [])
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_empty_prediction_against_required_gold_scores_zero() -> None:
    score = parties_score([], [party("Viktor Orban")])
    assert (score.precision, score.recall, score.f1, score.fn) == (0.0, 0.0, 0.0, 1)
    assert score.missed == [0]


def test_prediction_against_empty_gold_scores_zero() -> None:
    score = parties_score([party("Viktor Orban")], [])
    assert (score.precision, score.recall, score.f1, score.fp) == (0.0, 0.0, 0.0, 1)
    assert score.false_positives == [0]


def test_optional_gold_missing_costs_nothing() -> None:
    gold = [party("Viktor Orban"), party("Peter Szijjarto", required=False)]
    score = parties_score([party("Orban")], gold)
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.missed == []


def test_optional_gold_found_earns_credit() -> None:
    gold = [party("Viktor Orban"), party("Peter Szijjarto", required=False)]
    both = parties_score([party("Orban"), party("Szijjarto")], gold)
    assert (both.tp, both.fp, both.fn, both.f1) == (2, 0, 0, 1.0)
    # finding only the optional one: it is a TP, the required one is still missed
    only_optional = parties_score([party("Szijjarto")], gold)
    assert (only_optional.tp, only_optional.fn) == (1, 1)
    assert (only_optional.precision, only_optional.recall) == (1.0, 0.5)
    assert only_optional.missed == [0]


def test_only_optional_gold_and_empty_prediction_is_perfect() -> None:
    score = parties_score([], [party("Peter Szijjarto", required=False)])
    assert (score.f1, score.fn) == (1.0, 0)


def test_plain_schema_items_count_as_required() -> None:
    score = field_score([], [party("Viktor Orban")], lambda p, g: 1.0)
    assert score.missed == [0]


# --- positions ------------------------------------------------------------------------------
GOLD_PARTIES = [
    party("Viktor Orban", aliases=("the Hungarian premier",)),
    party("Xi Jinping", aliases=("Xi",)),
    party("Hungary", "state", aliases=("Budapest",)),
    party("United States", "state", aliases=("US", "Washington")),
    party("European Union", "organization", aliases=("EU",)),
]


def positions_score(
    pred_parties: list[Party], pred: list[Position], gold: list[Position]
) -> FieldScore:
    return score_positions(summary(pred_parties, pred), summary(GOLD_PARTIES, gold))


def test_position_matches_on_party_and_paraphrased_topic() -> None:
    gold = [position("Xi Jinping", "ceasefire in Ukraine", "supports an early ceasefire")]
    pred = [position("Xi", "peace in Ukraine", "China backs a quick truce")]
    assert text_similarity("peace in Ukraine", "ceasefire in Ukraine") >= POSITION_THRESHOLD
    score = positions_score([party("Xi", aliases=("President Xi",))], pred, gold)
    assert score.matches == [(0, 0)]


def test_position_matches_on_stance_when_topic_is_named_differently() -> None:
    gold = [
        position(
            "Viktor Orban",
            "ceasefire in Ukraine",
            "calls for Russia and Ukraine to resume direct talks",
        )
    ]
    pred = [position("Orbán", "peace talks", "wants Russia and Ukraine to resume direct talks")]
    assert text_similarity("peace talks", "ceasefire in Ukraine") == 0.0
    assert positions_score([party("Orbán")], pred, gold).tp == 1


def test_position_of_another_party_does_not_match() -> None:
    gold = [position("Xi Jinping", "ceasefire in Ukraine", "supports an early ceasefire")]
    pred = [position("Viktor Orban", "ceasefire in Ukraine", "supports an early ceasefire")]
    score = positions_score([party("Viktor Orban")], pred, gold)
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


@pytest.mark.parametrize(
    ("pred_topic", "gold_topic"),
    [
        ("ceasefire in Ukraine", "EU sanctions on Russia"),
        # near misses from the seed gold: they share "Ukraine" and look alike letter by letter
        ("cessation of hostilities in Ukraine", "Ukraine's accession to the EU"),
        ("ceasefire in Ukraine", "Ukraine's accession to the EU"),
        ("Western military aid to Ukraine", "ceasefire in Ukraine"),
        ("sanctions against Russia", "bilateral relations with Russia"),
    ],
)
def test_position_on_another_topic_does_not_match(pred_topic: str, gold_topic: str) -> None:
    gold = [position("Viktor Orban", gold_topic, "rejects it outright", "oppose")]
    pred = [position("Viktor Orban", pred_topic, "spoke about it", "oppose")]
    assert positions_score([party("Viktor Orban")], pred, gold).tp == 0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Ceasefire in Ukraine", "ukraine: ceasefire", 1.0),  # order, case, punctuation
        ("sanctions", "new sanctions on Russia", 0.5),  # inflection-free subset
        ("negotiations with Moscow", "negotiate with Moscow", 1.0),  # inflection
        ("Hungarian ties to China", "Hungary's ties with Chinese firms", 6 / 7),
        ("defence spending", "defense spending", 1.0),  # spelling variant
        ("war", "Warsaw", 0.0),  # a 3-letter prefix is no stem
        ("ceasefire in Ukraine", "peace in Ukraine", 0.5),
        ("tariffs", "Taiwan", 0.0),  # alike in letters only
        ("the", "the", 1.0),  # no content words: folded text
        ("the", "a", 0.0),
    ],
)
def test_text_similarity_is_soft_word_overlap(a: str, b: str, expected: float) -> None:
    assert text_similarity(a, b) == pytest.approx(expected)


def test_position_party_through_alias_and_party_matching() -> None:
    gold = [position("Hungary", "relations with China", "wants closer trade with China")]
    pred = [position("Budapest", "ties with China", "seeks closer trade with China")]
    pred_parties = [party("Hungarian government", "state", aliases=("Budapest",))]
    assert positions_score(pred_parties, pred, gold).tp == 1


def test_position_follows_the_one_to_one_party_matching() -> None:
    # The predicted "Orban" was matched to the gold "Orban" (Anna's party is a separate
    # gold party); the gold position belongs to Viktor Orban, so it must not match.
    gold_parties = [party("Viktor Orban"), party("Orban")]
    gold = summary(gold_parties, [position("Viktor Orban", "peace mission", "calls it peace")])
    pred = summary([party("Orban")], [position("Orban", "peace mission", "calls it peace")])
    parties = score_parties(pred, gold)
    assert parties.matches == [(0, 1)]
    assert score_positions(pred, gold, parties).tp == 0


def test_two_positions_cannot_both_match_one_gold_and_polarity_is_separate() -> None:
    gold = summary(
        GOLD_PARTIES,
        [
            position("Xi Jinping", "ceasefire in Ukraine", "supports an early ceasefire"),
            position(
                "United States", "Orban's visit to Beijing", "concerned by the meeting", "oppose"
            ),
        ],
    )
    pred = summary(
        [party("Xi Jinping"), party("US", "state")],
        [
            position("Xi Jinping", "ceasefire in Ukraine", "supports an early ceasefire"),
            position("Xi Jinping", "ceasefire in Ukraine", "wants an early ceasefire"),
            position("US", "Orban visit to Beijing", "concerned by the meeting", "support"),
        ],
    )
    scores = score_article(pred, gold, ARTICLE)
    assert (scores.positions.tp, scores.positions.fp, scores.positions.fn) == (2, 1, 0)
    assert (scores.polarity_correct, scores.polarity_pairs) == (1, 2)
    assert scores.polarity_accuracy == 0.5


def test_polarity_accuracy_is_none_without_matched_positions() -> None:
    scores = score_article(summary(), summary(GOLD_PARTIES), ARTICLE)
    assert scores.polarity_accuracy is None


# --- dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pred_value", "gold_value", "matches"),
    [
        ("2024-07-08", "2024-07-08", True),
        ("2024-07", "2024-07", True),
        ("2024-07-08", "2024-07", True),  # more precise than the gold: accepted
        ("2024-03-01", "2024", True),
        ("2024-07", "2024-07-08", False),  # less precise than the gold: rejected
        ("2024-07-09", "2024-07-08", False),
        ("2024-08", "2024-07", False),
        ("2023", "2024", False),
        (None, "2024-07-08", False),
    ],
)
def test_date_value_at_gold_precision(
    pred_value: str | None, gold_value: str, matches: bool
) -> None:
    pred = date(pred_value, "on Monday", "Orban met Xi")
    gold = date(gold_value, "on Monday", "Orban met Xi")
    assert (date_similarity(pred, gold) is not None) is matches


@pytest.mark.parametrize(
    ("gold_text", "pred_text", "pred_value", "matches"),
    [
        ("on Monday", "Monday", None, True),
        ("on Monday", "on Monday", "2024-07-08", True),  # resolved where gold could not: same date
        ("earlier this week", "this week", None, True),
        ("on Monday", "last week", None, False),
        ("last week", "last month", None, False),
        ("next Tuesday", "last Tuesday", None, False),
    ],
)
def test_unresolved_gold_date_matches_by_text(
    gold_text: str, pred_text: str, pred_value: str | None, matches: bool
) -> None:
    gold = date(None, gold_text, "Orban met Xi")
    pred = date(pred_value, pred_text, "Orban met Xi")
    assert (text_similarity(pred_text, gold_text) >= DATE_TEXT_THRESHOLD) is matches
    assert (date_similarity(pred, gold) is not None) is matches


@pytest.mark.parametrize(
    ("required", "pred_text", "matches"),
    [
        (False, "Monday", True),  # only outside knowledge resolves it: null is the right answer
        (False, "last week", False),
        (True, "Monday", False),  # the article gave the anchor: null is a failure to resolve
    ],
)
def test_null_prediction_against_a_gold_value(
    required: bool, pred_text: str, matches: bool
) -> None:
    gold = date("2024-07-08", "Monday", "Orban met Xi", required=required)
    pred = date(None, pred_text, "Orban met Xi")
    assert (date_similarity(pred, gold) is not None) is matches


def test_event_breaks_ties_between_dates_with_the_same_value() -> None:
    gold = summary(
        dates=[
            date("2024-07-08", "on Monday", "Orban met Xi Jinping"),
            date("2024-07-08", "on Monday", "press conference in Beijing"),
        ]
    )
    pred = summary(
        dates=[
            date("2024-07-08", "Monday", "a press conference was held"),
            date("2024-07-08", "Monday", "meeting of Orban and Xi"),
        ]
    )
    assert score_dates(pred, gold).matches == [(0, 1), (1, 0)]


# --- disputes -------------------------------------------------------------------------------
def disputes_score(
    pred_parties: list[Party], pred: list[Dispute], gold: list[Dispute]
) -> FieldScore:
    return score_disputes(
        summary(pred_parties, disputes=pred), summary(GOLD_PARTIES, disputes=gold)
    )


GOLD_DISPUTE = dispute(
    [["United States"], ["Viktor Orban", "Xi Jinping"]], "Orban's visit to Beijing"
)


def test_dispute_matches_with_sides_in_any_order_and_partial_sides() -> None:
    pred = [dispute([["Orbán"], ["Washington"]], "Orban's Beijing visit")]
    pred_parties = [party("Orbán"), party("United States", "state", aliases=("Washington",))]
    assert disputes_score(pred_parties, pred, [GOLD_DISPUTE]).tp == 1


def test_dispute_needs_two_opposed_sides_to_match() -> None:
    # "EU" is not on any gold side: only one side agrees
    pred = [dispute([["US"], ["EU"]], "Orban's visit to Beijing")]
    pred_parties = [party("US", "state"), party("EU", "organization")]
    assert disputes_score(pred_parties, pred, [GOLD_DISPUTE]).tp == 0


def test_dispute_sides_that_both_face_one_gold_side_do_not_match() -> None:
    # both predicted sides resolve to the United States; nobody stands against it
    pred = [dispute([["US"], ["United States"]], "Orban's visit to Beijing")]
    pred_parties = [party("United States", "state", aliases=("US",))]
    assert disputes_score(pred_parties, pred, [GOLD_DISPUTE]).tp == 0


def test_dispute_between_the_same_parties_on_another_issue_does_not_match() -> None:
    pred = [dispute([["US"], ["Xi Jinping"]], "tariffs")]
    gold = [dispute([["United States"], ["Xi Jinping"]], "Taiwan")]
    assert disputes_score([party("US", "state"), party("Xi Jinping")], pred, gold).tp == 0


def test_dispute_with_three_gold_sides_matches_two_of_them() -> None:
    gold = [dispute([["United States"], ["Viktor Orban"], ["European Union"]], "peace mission")]
    pred = [dispute([["EU"], ["Orban"]], "Orban's peace mission")]
    pred_parties = [party("EU", "organization"), party("Orban")]
    assert disputes_score(pred_parties, pred, gold).tp == 1


def test_dispute_issue_picks_between_disputes_of_the_same_parties() -> None:
    gold = [
        dispute([["United States"], ["Xi Jinping"]], "trade tariffs"),
        dispute([["United States"], ["Xi Jinping"]], "status of Taiwan"),
    ]
    pred = [
        dispute([["Xi Jinping"], ["US"]], "Taiwan"),
        dispute([["US"], ["Xi Jinping"]], "tariffs on trade"),
    ]
    score = disputes_score([party("US", "state"), party("Xi Jinping")], pred, gold)
    assert score.matches == [(0, 1), (1, 0)]


# --- grounding ------------------------------------------------------------------------------
def test_grounding_rate_counts_exact_spans() -> None:
    good = ev("Orbn called the trip a peace mission")
    start = ARTICLE.index("Viktor Orbán met")
    shifted = Evidence(quote="Viktor Orbán met", start=start + 1, end=start + 17)
    pred = summary([party("Viktor Orbán").model_copy(update={"evidence": [good, shifted]})])
    assert grounding_rate(pred, ARTICLE) == 0.5
    assert grounding_rate(summary([party("Orbn")]), ARTICLE) == 1.0  # non-ASCII quote
    assert grounding_rate(summary([party("Orbn")]), ARTICLE.replace("á", "a")) == 0.0


def test_grounding_rate_without_evidence_is_one() -> None:
    assert grounding_rate(summary(), ARTICLE) == 1.0


# --- whole article and suite ----------------------------------------------------------------
def full_gold() -> ArticleSummary:
    return summary(
        GOLD_PARTIES,
        [
            position("Xi Jinping", "ceasefire in Ukraine", "supports an early ceasefire"),
            position("United States", "Orban's visit", "concerned by the meeting", "oppose"),
        ],
        [
            date("2024-07-08", "on Monday", "Orban met Xi"),
            date(None, "last week", "EU criticized the visit", required=False),
        ],
        [GOLD_DISPUTE],
    )


def test_perfect_prediction_scores_one_everywhere() -> None:
    gold = full_gold()
    pred = ArticleSummary.model_validate(gold.model_dump(exclude_none=False))
    scores = score_article(pred, gold, ARTICLE)
    for field in FIELDS:
        assert getattr(scores, field).f1 == 1.0
    assert scores.macro_f1 == 1.0
    assert scores.polarity_accuracy == 1.0
    assert scores.grounding_rate == 1.0


def test_subclassed_gold_items_keep_their_required_flag() -> None:
    gold = full_gold()
    assert getattr(gold.dates[1], "required", True) is False


def test_aggregate_counts_a_failed_article_as_zero() -> None:
    gold = full_gold()
    perfect = score_article(gold, gold, ARTICLE)
    empty = score_article(summary(), gold, ARTICLE)
    agg = aggregate_scores([perfect, empty, None])
    assert agg["validity_rate"] == pytest.approx(2 / 3)
    assert agg["n_articles"] == 3 and agg["n_valid"] == 2
    assert agg["fields"]["parties"]["f1"] == pytest.approx(1 / 3)
    assert agg["fields"]["parties"]["tp"] == len(GOLD_PARTIES)
    assert agg["fields"]["parties"]["fn"] == len(GOLD_PARTIES)
    assert agg["macro_f1"] == pytest.approx(1 / 3)
    assert agg["polarity_accuracy"] == 1.0
    assert agg["grounding_rate"] == 1.0
    assert set(agg["fields"]) == set(FIELDS)


def test_aggregate_of_nothing() -> None:
    agg = aggregate_scores([])
    assert agg["validity_rate"] == 0.0 and agg["macro_f1"] is None and agg["fields"] == {}
    only_failures = aggregate_scores([None, None])
    assert only_failures["macro_f1"] == 0.0
    assert only_failures["grounding_rate"] is None
    assert only_failures["fields"]["dates"]["f1"] == 0.0


def test_aggregate_keys_fit_the_run_record() -> None:
    from evals.store import RunAggregate

    gold = full_gold()
    agg = aggregate_scores([score_article(gold, gold, ARTICLE)])
    record = RunAggregate(run_id="r", n_records=1, n_ok=1, n_error=0, **agg)
    assert record.fields["positions"].f1 == 1.0


def test_scores_round_trip_through_json() -> None:
    gold = full_gold()
    scores = score_article(gold, gold, ARTICLE)
    again = ArticleScores.model_validate_json(scores.model_dump_json())
    assert again == scores


def test_describe_item_labels_every_field() -> None:
    gold = full_gold()
    assert describe_item("parties", gold.parties[0]) == "Viktor Orban"
    assert "ceasefire in Ukraine" in describe_item("positions", gold.positions[0])
    assert "2024-07-08" in describe_item("dates", gold.dates[0])
    assert "United States vs Viktor Orban+Xi Jinping" in describe_item("disputes", gold.disputes[0])
    with pytest.raises(ValueError):
        describe_item("headline", gold)
