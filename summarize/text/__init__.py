"""Text: what every later stage reads, found by code alone.

    inputs        bytes, files and HTML pages to article text (decoding, extraction)
    boilerplate   page furniture that survives extraction (junk spans, never cut out)
    dates         date words, their values against a publication date, datelines
    nlp           the checked spaCy pipeline, the cached parse, "is this English?"
    sentences     sentence spans (the parser's for English, a rule sentencizer's otherwise)

Nothing here knows prompts, models or the defence.
"""
