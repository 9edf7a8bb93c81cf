"""Views for people: self-contained HTML pages of a summary run (:mod:`summarize.render.html`)
and of a story digest (:mod:`summarize.render.digest`)."""
