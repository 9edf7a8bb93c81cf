"""Test-wide settings: no telemetry, no dotenv, a clean backend cache per test."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")
os.environ.setdefault("DEEPEVAL_NO_INSPECT_PROMPT", "1")
os.environ.setdefault("NO_COLOR", "1")

# Tests never read or write the developer's own prompt folder; a test that needs one sets
# its own (see tests/summarize/test_user_prompts.py).
os.environ["NEWSBRIEF_PROMPTS_DIR"] = tempfile.mkdtemp(prefix="newsbrief-test-prompts-")
