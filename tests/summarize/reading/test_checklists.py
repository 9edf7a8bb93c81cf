"""The checklists code hands the model and the reading layer: names and date words."""

from __future__ import annotations


def test_candidate_groups_gather_the_forms_of_one_actor_with_title_and_aliases() -> None:
    from summarize.reading.checklists import candidate_groups

    text = (
        "Hungarian Prime Minister Viktor Orban met Chinese President Xi Jinping. Orban "
        "said Xi was key. European Commission President Ursula von der Leyen objected. "
        "Orban flew on. The Russia-Ukraine war goes on. European and Chinese officials met."
    )
    groups = {g.name: g for g in candidate_groups(text)}
    assert groups["Viktor Orban"].role == "Hungarian Prime Minister"
    assert set(groups["Viktor Orban"].forms) == {"Hungarian Prime Minister Viktor Orban", "Orban"}
    assert groups["Xi Jinping"].role == "Chinese President"
    assert "Ursula von der Leyen" in groups, "name particles stay inside the name"
    assert not any("Russia-Ukraine" in g.forms for g in groups.values()), "a compound adjective"
    assert "European" not in groups and "Chinese" not in groups, "a nationality adjective"
