"""holder.v1: where the parse is unsure who holds a statement, the model picks among options.

The second reading credits a statement to a candidate when the form is plain ("X said",
"X - who said", "X quoted Y as saying" is Y's); where it is not (a pronoun two people fit,
"the company" after two companies, a description inside a relay), it offers up to four
candidates instead. This pass asks the model for a letter among them, one short question
per statement, all sharing the article's prompt prefix. The answer is recorded as a choice;
statements decided by code are recorded too, so a run shows who chose each holder.
"""

from __future__ import annotations

from typing import Any

from summarize.passes._chooser import LETTERS, LetterAnswer, letters_shape, one_line, sentence_of
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "holder.j2"
#: Statements asked about at most (news puts what matters first).
MAX_ASKED = 8
#: The key under which the holders travel to the next passes (not a field of the summary).
HOLDERS = "_holders"


def run(ctx: PassContext) -> dict[str, Any]:
    """Holders of the reading's statements, by index: code's where sure, the model's pick
    among the options elsewhere, None where nobody fits."""
    statements = ctx.reading.statements
    holders: dict[int, str | None] = {}
    asked: list[int] = []
    for i, s in enumerate(statements):
        if s.holder is not None:
            holders[i] = s.holder
        elif len(s.options) == 1:
            holders[i] = s.options[0]
            ctx.ledger.choose(
                "holder", sentence_of(ctx.article, s), s.options, s.options[0], by="code"
            )
        elif len(s.options) >= 2 and len(asked) < MAX_ASKED:
            asked.append(i)
        else:
            holders[i] = None
    shown = [[one_line(o) for o in statements[i].options[: len(LETTERS)]] for i in asked]
    chosen = ctx.choose(
        TEMPLATE,
        [
            {"sentence": sentence_of(ctx.article, statements[i]), "options": names}
            for i, names in zip(asked, shown, strict=True)
        ],
        [list(LETTERS[: len(names)]) for names in shown],
        purpose="holder",
        shape=letters_shape,
        content_free=lambda letters: {"sentence": "N/A", "options": ["N/A"] * len(letters)},
    )
    for i, letter in zip(asked, chosen, strict=True):
        options = statements[i].options[: len(LETTERS)]
        holder = options[LETTERS.index(letter)] if letter is not None else None
        holders[i] = holder
        ctx.ledger.choose(
            "holder", sentence_of(ctx.article, statements[i]), options, holder, by="model"
        )
    return {HOLDERS: holders}


PASS = register(Pass("holder.v1", template=TEMPLATE, shape=LetterAnswer, run=run))
