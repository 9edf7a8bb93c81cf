"""The bundled prompt versions, as package data: ``prompts/`` ships as ``summarize.prompts``.

This file exists so that the folder is a regular package in the wheel and in an editable
install, and ``importlib.resources.files("summarize.prompts")`` finds it; the templates are
the folder's ``<task>/<version>/`` subfolders (see ``summarize.prompting``).
"""
