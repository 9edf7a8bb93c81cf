"""The openai/... path against a real llama.cpp OpenAI-compatible server on 127.0.0.1.

This is the code path a hosted endpoint takes (openai client, HTTP, mode fallback); only the
server is local. The in-process model of other tests is idle while the server generates.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from summarize.core.schema import iter_evidence
from summarize.pipeline import Summarizer
from summarize.providers.openai_compat import OpenAICompatBackend
from summarize.providers.weights import EMBEDDED_WEIGHTS, ensure_gguf
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
SEED = ROOT / "seeds" / "000_4384644db8aab1e9.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gguf = ensure_gguf(EMBEDDED_WEIGHTS["qwen2.5-coder-0.5b"])
    port = free_port()
    # The server logs every request; a pipe nobody reads would fill and block it, so its
    # output goes to a file that is shown if it fails to start.
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    log_file = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "8192",
            "--n_threads",
            "2",
            "--model_alias",
            "qwen-0.5b",
            "--verbose",
            "False",
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/models", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()


def test_summarize_through_an_openai_compatible_server(server_url: str, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    summarizer = Summarizer("openai/qwen-0.5b", "summary/v1", backend_options={"seed": 0})
    assert isinstance(summarizer.backend, OpenAICompatBackend)
    text = SEED.read_text(encoding="utf-8")
    run = summarizer.run(text)
    assert run.calls and all(c.model == "openai/qwen-0.5b" for c in run.calls)
    # llama.cpp's server answers HTTP 500 to json_schema; tools is the form that works there.
    assert run.calls[-1].mode == "tool_call"
    assert run.calls[-1].prompt_tokens and run.calls[-1].completion_tokens
    for _field, _i, ev in iter_evidence(run.summary):
        assert text[ev.start : ev.end] == ev.quote
    assert summarizer.backend.describe()["endpoint"].startswith("http://127.0.0.1:")
