"""Views of a summary run for people: a self-contained HTML page (:mod:`summarize.render.html`)."""
