"""The ``newsbrief`` command (:mod:`newsbrief.cli`): the library's commands plus the
harness's ``eval`` and ``gold`` groups.

The only package that sees both ``summarize`` and ``evals``; neither of them imports it, and
neither imports click.
"""
