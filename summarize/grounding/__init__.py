"""Grounding: the model's draft becomes a summary whose every item is evidenced in the text.

align       quote alignment: where the model's quotes and names really are (verbatim
            spans, from exact to fuzzy; never a guess)
assembly    the draft grounded item by item, dates resolved, the validated summary
            assembled; what cannot be grounded is dropped and reported
merging     the one keyed party merge (a pass's answers, a long article's chunks)
chunking    a long article split at sentence boundaries and its parts merged back
"""

from summarize.grounding.align import Span, align_quote, find_mention, fit_quote_length
from summarize.grounding.assembly import Grounder, all_items, assemble, describe
from summarize.grounding.chunking import Chunk, merge_summaries, split_into_chunks

__all__ = [
    "Chunk",
    "Grounder",
    "Span",
    "align_quote",
    "all_items",
    "assemble",
    "describe",
    "find_mention",
    "fit_quote_length",
    "merge_summaries",
    "split_into_chunks",
]
