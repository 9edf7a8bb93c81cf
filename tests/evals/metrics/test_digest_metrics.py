"""The story digest metrics (evals.metrics.digest) on hand-built gold/prediction pairs with
known answers: the synthetic story of tests/helpers/digest_story.py, changed one thing at a time."""

from __future__ import annotations

import pytest

from evals.metrics.digest import (
    FIGURES,
    aggregate_digest_scores,
    dates_compatible,
    discrepancy_similarity,
    event_parties,
    kinds_compatible,
    name_runs,
    order_agreement,
    prf,
    score_digest,
)
from summarize.core.digest import Discrepancy
from tests.helpers.digest_story import (
    CRITICISM,
    DELEGATION,
    DISPUTE,
    EU,
    FIRST_MEETING,
    HUNGARY,
    MEETING,
    ORBAN,
    VISIT,
    WAR,
    XI,
    gold,
    locate,
    prediction,
    q,
)


def test_a_perfect_prediction_scores_one_everywhere() -> None:
    scores = score_digest(prediction(), gold())
    assert scores.figures() == {name: 1.0 for name in FIGURES}
    assert scores.order_pairs == 3
    assert scores.missed_mentions == []
    assert [(o.gold_a, o.gold_b, o.merged_by) for o in scores.occasions] == [(0, 1, None)]
    assert scores.occasions[0].parties == ["Viktor Orbán", "Xi Jinping"]
    assert scores.merge is not None and (scores.merge.tp, scores.merge.n_gold) == (4, 4)
    assert {i.outcome for i in scores.items} == {"matched"}


def test_a_split_party_lowers_unification_recall_not_precision() -> None:
    whole, piece = dict(ORBAN), dict(ORBAN)
    whole.update(
        mentions=ORBAN["mentions"][:2],
        articles=["a1", "a2"],
        evidence=ORBAN["evidence"][:2],
        aliases=["Viktor Orban"],
    )
    piece.update(
        name="Orban",
        aliases=[],
        mentions=ORBAN["mentions"][2:],
        articles=["a3"],
        evidence=ORBAN["evidence"][2:],
    )
    scores = score_digest(prediction(parties=[whole, piece, XI, EU, HUNGARY]), gold())
    unif = scores.party_unification
    # gold pairs: Orban a1-a2, a1-a3, a2-a3; Xi a1-a2; EU a1-a2 (Hungary has one mention)
    assert (unif.tp, unif.n_pred, unif.n_gold) == (3, 3, 5)
    assert unif.precision == 1.0 and unif.recall == pytest.approx(0.6)
    assert unif.f1 == pytest.approx(0.75)
    # five digest parties for four gold ones: the piece is the extra one
    assert scores.parties.precision == pytest.approx(0.8) and scores.parties.recall == 1.0
    assert [(i.field, i.pred_label) for i in scores.items if i.outcome == "extra"] == [
        ("parties", "Orban")
    ]
    # the positions of the whole still belong to the unified party
    assert scores.positions.f1 == 1.0 and scores.disputes.f1 == 1.0


def test_a_wrongly_merged_party_lowers_unification_precision_not_recall() -> None:
    xi_and_hungary = dict(XI)
    xi_and_hungary.update(
        mentions=[*XI["mentions"], {"article": "a3", "name": "Hungary"}],
        articles=["a1", "a2", "a3"],
        evidence=[*XI["evidence"], q("a3", "officials in Hungary said")],
    )
    scores = score_digest(prediction(parties=[ORBAN, xi_and_hungary, EU]), gold())
    unif = scores.party_unification
    # predicted pairs: Orban 3 (true), Xi a1-a2 (true), Xi-Hungary twice (false), EU (true)
    assert (unif.tp, unif.n_pred, unif.n_gold) == (5, 7, 5)
    assert unif.precision == pytest.approx(5 / 7) and unif.recall == 1.0
    # Hungary is optional: its party not being found costs party F1 nothing
    assert scores.parties.f1 == 1.0


def test_a_gold_mention_never_predicted_is_missed() -> None:
    no_a3 = dict(ORBAN)
    no_a3.update(
        mentions=ORBAN["mentions"][:2], articles=["a1", "a2"], evidence=ORBAN["evidence"][:2]
    )
    scores = score_digest(prediction(parties=[no_a3, XI, EU, HUNGARY]), gold())
    assert scores.party_unification.recall == pytest.approx(3 / 5)
    assert scores.party_unification.precision == 1.0
    assert [(m.article, m.name) for m in scores.missed_mentions] == [("a3", "Orban")]


def test_a_mention_aligns_only_to_a_party_that_gold_has_in_that_article() -> None:
    scores = score_digest(prediction(), gold())
    aligned = {(m.article, m.name): m.gold_party for m in scores.mentions}
    assert aligned[("a3", "Orban")] == 0 and aligned[("a2", "Xi")] == 1
    assert aligned[("a3", "Hungary")] == 3


def test_missing_optional_items_costs_nothing() -> None:
    optional_criticism = {**CRITICISM, "required": False}
    g = gold(timeline=[FIRST_MEETING, MEETING, optional_criticism])
    scores = score_digest(prediction(parties=[ORBAN, XI, EU], timeline=[FIRST_MEETING, MEETING]), g)
    assert scores.party_unification.f1 == 1.0
    assert scores.parties.f1 == 1.0 and scores.events.f1 == 1.0
    assert [
        i.outcome for i in scores.items if i.gold_label and "EU criticises" in i.gold_label
    ] == ["optional (not found)"]


def test_reversed_order_gives_tau_minus_one() -> None:
    scores = score_digest(prediction(timeline=[CRITICISM, MEETING, FIRST_MEETING]), gold())
    assert scores.events.f1 == 1.0
    assert scores.kendall_tau == pytest.approx(-1.0) and scores.order_pairs == 3


def test_one_swap_of_three_events_gives_tau_one_third() -> None:
    scores = score_digest(prediction(timeline=[MEETING, FIRST_MEETING, CRITICISM]), gold())
    assert scores.kendall_tau == pytest.approx(1 / 3)


def test_two_occasions_merged_are_counted() -> None:
    merged = {
        **MEETING,
        "articles": ["a1", "a2", "a3"],
        "dates": [*MEETING["dates"], *FIRST_MEETING["dates"]],
        "evidence": [*MEETING["evidence"], *FIRST_MEETING["evidence"]],
    }
    scores = score_digest(prediction(timeline=[merged, CRITICISM]), gold())
    assert [(o.gold_a, o.gold_b, o.merged_by) for o in scores.occasions] == [(0, 1, 0)]
    assert scores.occasions_merged == 1
    # the merged event matches the July meeting only (October 2023 does not fit its date)
    assert scores.events.matches == [(0, 1), (1, 2)]
    assert scores.events.precision == 1.0 and scores.events.recall == pytest.approx(2 / 3)


def test_occasions_need_the_same_parties_on_dates_that_cannot_be_one() -> None:
    g = gold()
    assert event_parties(g.timeline[0], g) == event_parties(g.timeline[1], g) == {0, 1}
    assert event_parties(g.timeline[2], g) == {2}
    same_month = {
        **FIRST_MEETING,
        "value": "2024-07",
        "dates": [{"article": "a1", "text": "in July", "value": "2024-07"}],
    }
    scores = score_digest(prediction(), gold(timeline=[same_month, MEETING, CRITICISM]))
    assert scores.occasions == []


def test_occasions_are_the_same_parties_doing_the_same_thing() -> None:
    other_deed = {**FIRST_MEETING, "event": "Orban and Xi sign a trade deal"}
    assert (
        score_digest(prediction(), gold(timeline=[other_deed, MEETING, CRITICISM])).occasions == []
    )
    with_more = {**FIRST_MEETING, "event": "Orban and Xi meet in Beijing, the EU says"}
    g = gold(timeline=[with_more, MEETING, CRITICISM])
    assert event_parties(g.timeline[0], g) == {0, 1, 2}
    [pair] = score_digest(prediction(), g).occasions
    assert pair.parties == ["Viktor Orbán", "Xi Jinping"]  # the smaller set


def test_name_runs_are_capitalised_words_joined_by_name_particles() -> None:
    assert name_runs("Kerry and Lavrov discuss Syria by phone (Saturday call)") == [
        "Kerry",
        "Lavrov",
        "Syria",
        "Saturday",
    ]
    assert name_runs("Obama's Prague speech") == ["Obama", "Prague"]
    assert name_runs("the Syrian Observatory for Human Rights said, in Homs") == [
        "Syrian Observatory for Human Rights",
        "Homs",
    ]


def test_an_event_needs_compatible_dates_and_similar_text_or_evidence() -> None:
    reworded = {**MEETING, "event": "Hungarian leader's trip"}  # same evidence, other words
    assert (
        score_digest(prediction(timeline=[FIRST_MEETING, reworded, CRITICISM]), gold()).events.f1
        == 1.0
    )
    undated = {**MEETING, "value": None}
    assert (
        score_digest(prediction(timeline=[FIRST_MEETING, undated, CRITICISM]), gold()).events.f1
        == 1.0
    )
    wrong_day = {**MEETING, "value": "2024-07-10"}
    scores = score_digest(prediction(timeline=[FIRST_MEETING, wrong_day, CRITICISM]), gold())
    assert scores.events.tp == 2


def test_a_position_reported_apart_lowers_merge_f1() -> None:
    war_a1 = {**WAR, "articles": ["a1"], "evidence": WAR["evidence"][:1]}
    war_a2 = {**WAR, "articles": ["a2"], "evidence": WAR["evidence"][1:]}
    scores = score_digest(prediction(positions=[war_a1, war_a2, VISIT]), gold())
    assert scores.positions.precision == pytest.approx(2 / 3)
    assert scores.positions.recall == 1.0
    merge = scores.merge
    assert merge is not None and (merge.tp, merge.n_pred, merge.n_gold) == (3, 3, 4)
    assert merge.precision == 1.0 and merge.recall == pytest.approx(0.75)


def test_a_position_needs_the_same_unified_party() -> None:
    xi_war = {**WAR, "party": "Xi Jinping"}
    scores = score_digest(prediction(positions=[xi_war, VISIT]), gold())
    assert scores.positions.tp == 1
    assert scores.merge is not None and scores.merge.f1 == 1.0


def test_no_matched_position_leaves_merge_undefined() -> None:
    scores = score_digest(prediction(positions=[]), gold())
    assert scores.positions.f1 == 0.0 and scores.merge is None
    assert scores.figures()["merge_f1"] is None


def test_disputes_match_on_unified_sides_in_any_order() -> None:
    swapped = {**DISPUTE, "sides": [["Viktor Orbán"], ["European Union"]]}
    assert score_digest(prediction(disputes=[swapped]), gold()).disputes.f1 == 1.0
    other = {**DISPUTE, "sides": [["Xi Jinping"], ["European Union"]]}
    assert score_digest(prediction(disputes=[other]), gold()).disputes.f1 == 0.0


def test_a_dispute_needs_a_similar_issue_or_overlapping_evidence() -> None:
    reworded = {**DISPUTE, "issue": "Hungarian diplomacy"}  # no word shared, same evidence
    assert score_digest(prediction(disputes=[reworded]), gold()).disputes.f1 == 1.0
    elsewhere = {
        **reworded,
        "articles": ["a1"],
        "evidence": [q("a1", "Orban said the war in Ukraine must end soon")],
    }
    assert score_digest(prediction(disputes=[elsewhere]), gold()).disputes.f1 == 0.0


def test_a_discrepancy_needs_a_compatible_kind_and_gold_evidence_in_two_articles() -> None:
    dated = {**DELEGATION, "kind": "date"}
    scores = score_digest(prediction(discrepancies=[dated]), gold())
    assert (scores.discrepancies.precision, scores.discrepancies.recall) == (0.0, 0.0)
    one_article = {
        **DELEGATION,
        "versions": [
            DELEGATION["versions"][0],
            {"article": "a3", "claim": "Monday", "evidence": [q("a3", "officials in Hungary")]},
        ],
    }
    assert score_digest(prediction(discrepancies=[one_article]), gold()).discrepancies.tp == 0
    extra = {
        **DELEGATION,
        "about": "who criticised",
        "kind": "attribution",
        "versions": [
            {"article": "a1", "claim": "the EU", "evidence": [q("a1", "The EU criticised")]},
            {"article": "a2", "claim": "officials", "evidence": [q("a2", "Officials of the EU")]},
        ],
    }
    scores = score_digest(prediction(discrepancies=[DELEGATION, extra]), gold())
    assert scores.discrepancies.precision == 0.5 and scores.discrepancies.recall == 1.0


def test_attribution_and_characterisation_are_compatible_kinds() -> None:
    assert kinds_compatible("attribution", "characterisation")
    assert not kinds_compatible("date", "figure")
    located = locate(DELEGATION)
    pred = Discrepancy.model_validate({**located, "kind": "attribution"})
    gold_item = Discrepancy.model_validate({**located, "kind": "characterisation"})
    assert discrepancy_similarity(pred, gold_item) is not None


def test_nothing_on_either_side_is_perfect_and_one_side_empty_is_zero() -> None:
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0) and prf(0, 2, 0) == (0.0, 0.0, 0.0)
    scores = score_digest(prediction(discrepancies=[]), gold(discrepancies=[]))
    assert scores.discrepancies.f1 == 1.0
    assert score_digest(prediction(discrepancies=[]), gold()).discrepancies.f1 == 0.0


def test_dates_compatible_and_order_agreement_rules() -> None:
    assert dates_compatible("2024-07", "2024-07-08") and dates_compatible(None, "2024")
    assert not dates_compatible("2024-07-08", "2024-07-09")
    assert order_agreement([(0, 0)]) == (None, 1)
    assert order_agreement([]) == (None, 0)


def test_the_suite_mean_counts_a_failed_story_as_zero() -> None:
    perfect = score_digest(prediction(), gold())
    reversed_ = score_digest(prediction(timeline=[CRITICISM, MEETING, FIRST_MEETING]), gold())
    means = aggregate_digest_scores([perfect, reversed_, None])
    assert means["event_f1"] == pytest.approx(2 / 3)
    assert means["kendall_tau"] == pytest.approx(0.0)  # over the two scored stories
    assert means["order_pairs"] == 6 and means["occasion_pairs"] == 2
    assert aggregate_digest_scores([None])["kendall_tau"] is None
