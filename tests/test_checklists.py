"""The checklists code hands the model: names, date words, statement sentences."""

from __future__ import annotations

from summarize.checklists import STATEMENT_CHARS, statement_sentences

ARTICLE = (
    "Riverton - Mayor Ana Lopez said on Monday that the city will close the old harbour "
    "bridge.\n\nThe bridge was built in 1931 and carries 4,000 cars a day.\n\n"
    "Read also: Putin says the West wants a war with Russia\n\n"
    "The Harbour Workers Union criticized the plan, saying the closure would cost jobs. "
    "Short one, said he."
)


def test_statement_sentences_are_verbatim_sentences_that_report_a_stance() -> None:
    sentences = statement_sentences(ARTICLE)
    assert sentences == [
        "Riverton - Mayor Ana Lopez said on Monday that the city will close the old harbour "
        "bridge.",
        "The Harbour Workers Union criticized the plan, saying the closure would cost jobs.",
    ]
    assert all(s in ARTICLE for s in sentences)


def test_statement_sentences_skip_web_junk_and_fragments() -> None:
    sentences = statement_sentences(ARTICLE)
    assert not any("Putin" in s for s in sentences)
    assert not any(s.startswith("Short one") for s in sentences)


def test_statement_sentences_are_bounded_in_number_and_length() -> None:
    long_sentence = "The minister said " + "that the plan was good and " * 40 + "fine."
    text = " ".join([long_sentence] + [f"Official {i} said the plan would fail soon."
                                       for i in range(30)])
    sentences = statement_sentences(text, limit=5)
    assert len(sentences) == 5
    assert len(sentences[0]) <= STATEMENT_CHARS and sentences[0] in text
    assert statement_sentences("No one spoke.") == []


def test_parties_named_near_a_sentence_in_order_else_just_before_it() -> None:
    from summarize.checklists import parties_named_near

    parties = [{"name": "Harbour Workers Union", "aliases": ["the union"]},
               {"name": "Ana Lopez", "aliases": []}, {"name": "Riverton", "aliases": []}]
    article = ("Mayor Ana Lopez spoke on Monday. The union criticized Lopez over the plan. "
               "It said jobs were at stake and the city had not listened.")
    assert parties_named_near("The union criticized Lopez over the plan.", article,
                              parties) == ["Harbour Workers Union", "Ana Lopez"]
    # No party in the sentence: the speaker is looked for just before it.
    assert parties_named_near("It said jobs were at stake and the city had not listened.",
                              article, parties) == ["Harbour Workers Union", "Ana Lopez"]
    assert parties_named_near("Nobody here.", "Nobody here.", parties) == []


def test_candidate_groups_gather_the_forms_of_one_actor_with_title_and_aliases() -> None:
    from summarize.checklists import candidate_groups

    text = ("Hungarian Prime Minister Viktor Orban met Chinese President Xi Jinping. Orban "
            "said Xi was key. European Commission President Ursula von der Leyen objected. "
            "Orban flew on. The Russia-Ukraine war goes on. European and Chinese officials met.")
    groups = {g.name: g for g in candidate_groups(text)}
    assert groups["Viktor Orban"].role == "Hungarian Prime Minister"
    assert set(groups["Viktor Orban"].forms) == {"Hungarian Prime Minister Viktor Orban", "Orban"}
    assert groups["Xi Jinping"].role == "Chinese President"
    assert "Ursula von der Leyen" in groups, "name particles stay inside the name"
    assert not any("Russia-Ukraine" in g.forms for g in groups.values()), "a compound adjective"
    assert "European" not in groups and "Chinese" not in groups, "a nationality adjective"
