"""Showing results: a rich table in the terminal, Markdown for a PR, a self-contained HTML report."""
