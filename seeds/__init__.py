"""The five seed articles, as package data: ``seeds/`` ships as ``evals.seeds``.

This file exists so that the folder is a regular package in the wheel and in an editable
install, and ``importlib.resources.files("evals.seeds")`` finds the articles
(``evals.gold.default_suite``).
"""
