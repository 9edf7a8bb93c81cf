"""A scriptable OpenAI-compatible HTTP server on 127.0.0.1, for endpoint-fault tests.

Why a real server and not a mocked client: the faults that matter (a refused connection, a
socket closed halfway through a body, a read timeout, a ``Retry-After`` header, a 200 whose
body is not JSON) live in the HTTP stack, below the openai client. Mocking the client would
test our assumptions about how it reports them, not how it really does. So the tests run
the real openai client over real sockets, against this server, which answers each
``POST /v1/chat/completions`` with the next behaviour of a queue and records every request
(headers included) so that a test can count tries and check what was sent.

Usage::

    with FaultServer() as server:
        server.enqueue(status(500), ok({"a": 1}))
        backend = OpenAICompatBackend("m", base_url=server.base_url, api_key="sk-test")
        ...
        assert len(server.requests) == 2

Everything is bounded: a ``hang`` sleeps at most :data:`MAX_SLEEP_S` and wakes up at once
when the server is stopped; the server only ever binds 127.0.0.1; leaving the ``with``
block shuts it down and joins its thread.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from pydantic import BaseModel

HOST = "127.0.0.1"
MAX_SLEEP_S = 10.0
"""No behaviour of the server sleeps longer than this, whatever a test asks."""

RequestMode = Literal["tools", "json_schema", "json_object", "plain"]
ALL_MODES: tuple[RequestMode, ...] = ("tools", "json_schema", "json_object", "plain")


# --- behaviours ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Behaviour:
    """One answer the server will give: built by the functions below, not by hand."""

    kind: str
    content: str | None = None
    status: int = 200
    body: str | None = None
    retry_after: str | None = None
    seconds: float = 0.0
    mode: RequestMode | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.seconds <= MAX_SLEEP_S:
            raise ValueError(f"a fault server sleeps at most {MAX_SLEEP_S} s, not {self.seconds}")


def _json_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, BaseModel):
        return content.model_dump_json()
    return json.dumps(content)


def ok(content_json: Any) -> Behaviour:
    """A valid chat.completion carrying ``content_json``.

    When the request has ``tools``, the answer is a call of the first tool with the JSON as
    its arguments (what a server honouring a forced tool call returns); otherwise the JSON
    is the message content.
    """
    return Behaviour("ok", content=_json_text(content_json))


def invalid_schema(content_json: Any) -> Behaviour:
    """Like :func:`ok`, but the test means the JSON to violate the requested schema."""
    return Behaviour("ok", content=_json_text(content_json))


def status(
    code: int,
    body: Any = None,
    retry_after: float | str | None = None,
    headers: dict[str, str] | None = None,
) -> Behaviour:
    """An HTTP error: ``body`` (a dict is sent as JSON) and an optional ``Retry-After``."""
    if body is None:
        body = {"error": {"message": f"fault server: HTTP {code}", "type": "server_error"}}
    return Behaviour(
        "status",
        status=code,
        body=_json_text(body),
        retry_after=None if retry_after is None else str(retry_after),
        headers=tuple((headers or {}).items()),
    )


def hang(seconds: float) -> Behaviour:
    """Accept the request and say nothing for ``seconds`` (capped), then close the socket."""
    return Behaviour("hang", seconds=seconds)


def drop() -> Behaviour:
    """Send a 200's headers and part of its body, then close the connection mid-body."""
    return Behaviour("drop")


def malformed(content_type: str = "application/json", body: str | None = None) -> Behaviour:
    """A 200 whose body is not JSON at all (a proxy's HTML page, a truncated write...)."""
    return Behaviour(
        "malformed",
        body=body if body is not None else "<html><body>502 Bad Gateway (not JSON)</body></html>",
        headers=(("Content-Type", content_type),),
    )


def refuse_mode(mode: RequestMode) -> Behaviour:
    """Refuse the structured-output form ``mode`` the way real servers do.

    ``tools``: HTTP 400 ``tools are not supported`` (Ollama models without tool support);
    ``json_schema``: HTTP 500 ``response_format json_schema not supported`` (llama_cpp.server);
    ``json_object`` / ``plain``: HTTP 400 ``... not supported``. If the request does *not*
    use ``mode``, the server answers a loud, non-retryable HTTP 418 so the test fails on it.
    """
    return Behaviour("refuse", mode=mode)


_REFUSALS: dict[RequestMode, tuple[int, str]] = {
    "tools": (400, "tools are not supported by this model"),
    "json_schema": (500, "response_format json_schema not supported"),
    "json_object": (400, "response_format json_object is not supported"),
    "plain": (400, "structured output without a grammar is not supported here"),
}


def request_mode(body: dict[str, Any]) -> RequestMode:
    """Which structured-output form a chat-completions request body uses."""
    if body.get("tools"):
        return "tools"
    response_format = body.get("response_format") or {}
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "json_schema":
        return "json_schema"
    if kind == "json_object":
        return "json_object"
    return "plain"


# --- the record of what came in -------------------------------------------------------------
@dataclass
class RecordedRequest:
    """One request as the server saw it; ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw_body: bytes
    at: float
    behaviour: str = ""

    @property
    def mode(self) -> RequestMode | None:
        return request_mode(self.body) if isinstance(self.body, dict) else None


@dataclass
class _State:
    queue: deque[Behaviour] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)
    refuse_modes: set[RequestMode] = field(default_factory=set)
    default: Behaviour | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    """Answers chat completions from the queue; one connection per request (HTTP/1.0)."""

    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the test output should show the test's failures, not access logs."""

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 16 * 1024 * 1024)) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = RecordedRequest(
            method="POST",
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body if isinstance(body, dict) else None,
            raw_body=raw,
            at=time.monotonic(),
        )
        with state.lock:
            state.requests.append(record)
            mode = record.mode
            if mode is not None and mode in state.refuse_modes:
                behaviour = refuse_mode(mode)
            elif state.queue:
                behaviour = state.queue.popleft()
            else:
                behaviour = state.default
        if not self.path.rstrip("/").endswith("/chat/completions"):
            record.behaviour = "404"
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        if behaviour is None:
            record.behaviour = "empty-queue"
            # 418: not retryable, no refusal words: a test that under-queues fails loudly.
            self._send_json(418, {"error": {"message": "fault server: the queue is empty"}})
            return
        record.behaviour = behaviour.kind
        self._answer(behaviour, record)

    # --- the behaviours ---------------------------------------------------------------------
    def _answer(self, behaviour: Behaviour, record: RecordedRequest) -> None:
        if behaviour.kind == "ok":
            self._send_json(200, _completion(record.body or {}, behaviour.content or "", record))
        elif behaviour.kind == "status":
            extra = dict(behaviour.headers)
            if behaviour.retry_after is not None:
                extra["Retry-After"] = behaviour.retry_after
            self._send_raw(behaviour.status, (behaviour.body or "").encode(), extra)
        elif behaviour.kind == "hang":
            # Wakes at once when the server stops, so shutdown never waits for a hang.
            self.server.state.stopping.wait(behaviour.seconds)
            self.close_connection = True
        elif behaviour.kind == "drop":
            payload = json.dumps(_completion(record.body or {}, '{"x": 1}', record)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 3])
            self.wfile.flush()
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif behaviour.kind == "malformed":
            self._send_raw(200, (behaviour.body or "").encode(), dict(behaviour.headers))
        elif behaviour.kind == "refuse":
            assert behaviour.mode is not None
            if record.mode != behaviour.mode:
                record.behaviour = "refuse-mismatch"
                self._send_json(
                    418,
                    {
                        "error": {
                            "message": f"fault server: expected a {behaviour.mode} request, "
                            f"got {record.mode}"
                        }
                    },
                )
                return
            code, message = _REFUSALS[behaviour.mode]
            self._send_json(
                code, {"error": {"message": message, "type": "invalid_request_error", "code": None}}
            )
        else:  # pragma: no cover - the factories above are the only producers
            self._send_json(500, {"error": {"message": f"unknown behaviour {behaviour.kind}"}})

    def _send_json(self, code: int, payload: Any) -> None:
        self._send_raw(code, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def _send_raw(self, code: int, payload: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(code)
            headers = {"Content-Type": "application/json", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (timeout) before we answered: nothing to tell it


def _completion(request: dict[str, Any], content: str, record: RecordedRequest) -> dict[str, Any]:
    """A chat.completion answering ``request`` with ``content`` (tool call if tools asked)."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    finish = "stop"
    tools = request.get("tools") or []
    if tools:
        name = (tools[0].get("function") or {}).get("name", "tool")
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{int(record.at * 1e6)}",
                    "type": "function",
                    "function": {"name": name, "arguments": content},
                }
            ],
        }
        finish = "tool_calls"
    prompt_tokens = max(1, len(json.dumps(request.get("messages", []))) // 4)
    completion_tokens = max(1, len(content) // 4)
    return {
        "id": f"chatcmpl-fault-{int(record.at * 1e6)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    state: _State

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hung up mid-answer is an expected fault here, not a bug."""


# --- the server ----------------------------------------------------------------------------
class FaultServer:
    """The server, as a context manager; see the module docstring."""

    def __init__(
        self,
        behaviours: Iterable[Behaviour] = (),
        *,
        refuse: Iterable[RequestMode] = (),
        default: Behaviour | None = None,
    ) -> None:
        """``refuse``: forms refused on *every* request (a server that never does tools);
        ``default``: the answer once the queue is empty (otherwise a loud HTTP 418)."""
        self._state = _State(queue=deque(behaviours), refuse_modes=set(refuse), default=default)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FaultServer:
        self._state.stopping.clear()
        httpd = _Server((HOST, 0), _Handler)
        httpd.state = self._state
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fault-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._state.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # programming it
    def enqueue(self, *behaviours: Behaviour) -> FaultServer:
        with self._state.lock:
            self._state.queue.extend(behaviours)
        return self

    @property
    def refuse_modes(self) -> set[RequestMode]:
        return self._state.refuse_modes

    def refuse(self, *modes: RequestMode) -> FaultServer:
        """Refuse these forms on every request from now on (not consumed like the queue)."""
        with self._state.lock:
            self._state.refuse_modes.update(modes)
        return self

    # reading what happened
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fault server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def pending(self) -> int:
        """Behaviours still queued (a test can assert it used exactly what it queued)."""
        with self._state.lock:
            return len(self._state.queue)


# --- "nothing listening" -----------------------------------------------------------------------
@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A 127.0.0.1 port where every connection is refused, for the life of the block.

    The port stays bound (but not listening) meanwhile, so no other process can take it and
    the kernel answers each SYN with a reset: a deterministic "connection refused".
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, 0))
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def keep_requests_local(monkeypatch: Any) -> None:
    """Unset proxy variables (pytest ``monkeypatch``): the openai client honours them, and a
    proxy between the client and 127.0.0.1 would both leave the machine and change the
    faults under test."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", HOST)
    monkeypatch.setenv("no_proxy", HOST)


def free_port() -> int:
    """A port with nothing listening right now (released; prefer :func:`refusing_port`)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])
