"""The defence: text inside an article that addresses a model or a program is found, hidden
from the model and never used as evidence, and what only such text supports is dropped.

    guard        the layers in force (``NEWSBRIEF_DEFENCE``), the patterns layer, masking,
                 and the untrusted spans (boilerplate and masked text) later stages avoid
    addressee    the grammar-based layers: software addressed, an unquoted order to write,
                 a paragraph in another language, disguised letters, pointers
    provenance   the rules that prune a summary (and the reading) by where its items
                 come from
"""

from summarize.defence.guard import LAYERS, flags, mask, masked_spans, untrusted_spans
from summarize.defence.provenance import Provenance

__all__ = ["LAYERS", "Provenance", "flags", "mask", "masked_spans", "untrusted_spans"]
