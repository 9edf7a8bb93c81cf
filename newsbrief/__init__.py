"""The ``newsbrief`` command: the library's commands plus the harness's ``eval`` group.

The only package that sees both ``summarize`` and ``evals``; neither of them imports it.
"""
