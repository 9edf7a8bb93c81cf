"""The eval harness: measure summaries against hand-written gold, and compare the numbers.

``gold`` (the yardstick) and ``store`` (run directories, the cache) at the bottom;
``metrics`` and ``stats`` (the one bootstrap) above them; ``runner``, ``compare`` and
``injection`` use those; ``render`` shows results; ``cli`` is ``newsbrief eval``. Every
error is an ``errors.EvalError``. The layers are import-linter contracts (pyproject.toml).
"""
