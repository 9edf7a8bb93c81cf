"""Showing results: a rich table, Markdown for a pull request, a self-contained HTML report."""
