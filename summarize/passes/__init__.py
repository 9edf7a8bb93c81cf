"""The passes a prompt version can name, one module per versioned pass.

    extract_v1          extract.v1          the whole draft in one call (summary/v1)
    cast_v1             cast.v1             which reading-layer candidates are parties
    attributed_v1       attributed.v1       the stance of each attributed statement
    timeline_v1         timeline.v1         dates with the model's value (summary/v7)
    timeline_words_v1   timeline_words.v1   date words only, values from code (summary/v8)
    overview_v1         overview.v1         headline, summary, where
    cast_v2             cast.v2             cast.v1 over reading.v2; code settles who acts
    holder_v1           holder.v1           the model picks a statement's holder among options
    stance_v1           stance.v1           positions in the article's words; the model's polarity
    disputes_v2         disputes.v2         pairs code proposes, the model confirms
    dates_v2            dates.v2            every date the reading found, event from the parse
    overview_v2         overview.v2         headline, lead and place from the article

:mod:`summarize.passes.registry` holds what they share (the context a pass reads, the
registry and its lookup); importing this package registers every pass.
:func:`~summarize.passes.identity.behaviour_hash` is a version's identity: its resolved
files and the code of the passes it names.
"""

from summarize.passes import (
    attributed_v1,
    cast_v1,
    cast_v2,
    dates_v2,
    disputes_v2,
    extract_v1,
    holder_v1,
    overview_v1,
    overview_v2,
    stance_v1,
    timeline_v1,
    timeline_words_v1,
)
from summarize.passes.identity import behaviour_hash
from summarize.passes.registry import PASSES, Pass, PassContext, checklists, get_pass
from summarize.prompting import DEFAULT_PASSES

__all__ = [
    "DEFAULT_PASSES",
    "PASSES",
    "Pass",
    "PassContext",
    "attributed_v1",
    "behaviour_hash",
    "cast_v1",
    "cast_v2",
    "checklists",
    "dates_v2",
    "disputes_v2",
    "extract_v1",
    "get_pass",
    "holder_v1",
    "overview_v1",
    "overview_v2",
    "stance_v1",
    "timeline_v1",
    "timeline_words_v1",
]
