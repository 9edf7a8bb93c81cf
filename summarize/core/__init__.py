"""The core every other module agrees on, and which imports nothing above it.

schema      the public summary (ArticleSummary and its items, Evidence)
draft       the compact shape the model fills in before grounding
reading     what the reading layer finds (candidates, attributions, statements)
digest      the story digest's shapes
result      the run records (SummaryRun, DigestRun, dropped and masked items)
backend     the protocol a model backend implements, and its call records
ledger      the calls and drops of one run, passed down the passes
names       name identity (folding, titles, same_name)
errors      the typed errors (public address: :mod:`summarize.errors`)
jsonl       the crash-safe append-only JSON Lines log of batch jobs and eval runs
"""
