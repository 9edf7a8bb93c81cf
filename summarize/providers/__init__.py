"""Model backends behind one registry; see :mod:`summarize.providers.registry`."""
