"""The one ``newsbrief`` command: user errors as one line (exit 2) before any model loads,
listings that never cut a name, ``--version``, completion, and the commands the README shows.

Everything runs on the fake backend; a test that would load a real model fails instead
(``no_model_loads``).
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from rich.console import Console

from newsbrief.cli import build_cli, main
from newsbrief.cli.kit import print_listing
from tests.helpers.paths import ROOT

SEED = ROOT / "seeds" / "000_4384644db8aab1e9.txt"


@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any Summarizer is built (the checks must come first)."""
    import summarize.pipeline

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the inputs were checked")

    monkeypatch.setattr(summarize.pipeline.Summarizer, "__init__", refuse)


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# --- the reported bugs ---------------------------------------------------------------------------
@pytest.mark.usefixtures("no_model_loads")
def test_a_missing_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "missing.txt")
    assert main(["summarize", missing]) == 2
    assert one_error_line(capsys) == f"error: no such file or folder: {missing}"
    assert main(["summarize", missing, "-o", str(tmp_path / "out.jsonl")]) == 2  # was a traceback
    assert one_error_line(capsys) == f"error: no such file or folder: {missing}"


@pytest.mark.usefixtures("no_model_loads")
def test_several_inputs_or_a_folder_need_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["summarize", str(SEED), str(SEED)], ["summarize", str(SEED.parent)]):
        assert main(argv) == 2
        assert one_error_line(capsys) == (
            "error: several inputs or a folder need -o OUT.jsonl (one line per article)"
        )


@pytest.mark.usefixtures("no_model_loads")
def test_an_empty_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.json").write_text("{}")
    for argv in (
        ["summarize", str(empty), "-o", str(tmp_path / "o.jsonl")],
        ["summarize", str(empty)],
    ):
        assert main(argv) == 2  # was exit 0
        assert one_error_line(capsys) == (
            f"error: {empty}: no articles in this folder (*.txt, *.md, *.html)"
        )
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.usefixtures("no_model_loads")
def test_an_unreadable_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Ann Lee said on Monday that taxes must fall.")
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":  # tests run as root, where chmod 000 does not stop reads
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    for argv in (["summarize", str(locked)], ["summarize", str(tmp_path), "-o", "x.jsonl"]):
        assert main(argv) == 2
        assert one_error_line(capsys) == f"error: cannot read {locked}: Permission denied"


@pytest.mark.usefixtures("no_model_loads")
def test_the_whole_matrix_is_checked_before_a_model_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    assert (
        main(
            [
                "eval",
                "run",
                "--model",
                "fake/heuristic",
                "--prompt",
                "summary/v7",
                "summary/v99",
                "--runs-root",
                str(runs),
                "--no-progress",
            ]
        )
        == 2
    )
    line = one_error_line(capsys)
    assert line.startswith("error: no prompt named 'summary/v99'")
    assert not runs.exists()  # the v7 run never started
    assert (
        main(["eval", "run", "--model", "fake/heuristic", "local/nosuch", "--runs-root", str(runs)])
        == 2
    )
    assert one_error_line(capsys).startswith("error: unknown local model 'local/nosuch'")
    assert (
        main(
            [
                "eval",
                "run",
                "--model",
                "fake/heuristic",
                "--judge",
                "nosuch",
                "--runs-root",
                str(runs),
            ]
        )
        == 2
    )
    assert one_error_line(capsys).startswith("error: unknown model 'nosuch'")
    assert main(["summarize", str(SEED), "--model", "fake/heuristic", "--prompt", "x/v1"]) == 2
    assert one_error_line(capsys).startswith("error: no prompt named 'x/v1'")
    assert (
        main(["eval", "run", "--model", "fake/heuristic", "--suite", str(tmp_path / "nosuch")]) == 2
    )
    assert one_error_line(capsys) == f"error: no such suite folder or JSONL file: {tmp_path}/nosuch"


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["summarize", str(SEED), "--concurrency", "0"],
            "error: Invalid value for '--concurrency': 0 is not in the range x>=1. "
            "(see newsbrief summarize --help)",
        ),
        (
            ["summarize", str(SEED), "--published", "July"],
            "error: Invalid value for '--published': 'July' is not a date like 2024-07-08 "
            "(see newsbrief summarize --help)",
        ),
        (
            ["eval", "compare", "a", "--format", "pdf"],
            "error: Invalid value for '--format': 'pdf' is not one of 'table', 'markdown', 'json', "
            "'junit'. (see newsbrief eval compare --help)",
        ),
        (
            ["eval", "run", "--repeats", "two"],
            "error: Invalid value for '--repeats': 'two' is not a valid integer range. "
            "(see newsbrief eval run --help)",
        ),
        (
            ["eval", "run", "--bogus"],
            "error: No such option: --bogus (see newsbrief eval run --help)",
        ),
        (["frobnicate"], "error: No such command 'frobnicate'. (see newsbrief --help)"),
    ],
)
@pytest.mark.usefixtures("no_model_loads")
def test_a_bad_flag_value_is_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert one_error_line(capsys) == message


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert re.fullmatch(r"newsbrief \S+\n", capsys.readouterr().out)


def test_names_are_never_cut(tmp_path: Path) -> None:
    """``newsbrief models`` piped through a narrow COLUMNS keeps every model string whole."""
    done = subprocess.run(
        [sys.executable, "-m", "newsbrief", "models"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "30"},
    )
    assert done.returncode == 0, done.stderr
    assert "local/qwen2.5-coder-1.5b (default)\t" in done.stdout
    assert "local/qwen2.5-coder-0.5b\t" in done.stdout
    name = "20261128T113923Z-local-qwen2.5-coder-1.5b-summary-v7"
    for width, terminal in ((40, True), (200, True), (200, False)):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=terminal)
        print_listing("Runs", ["run", "macro F1"], [[name, "0.609"]], console)
        assert name in buffer.getvalue()
        assert ("┃" in buffer.getvalue()) == (width == 200 and terminal)  # a table when it fits


def test_shell_completion_script(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsbrief"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "_NEWSBRIEF_COMPLETE": "bash_source"},
    )
    assert done.returncode == 0 and "_newsbrief_completion" in done.stdout, done.stderr


def test_no_python_m_mains_but_newsbrief() -> None:
    mains = sorted(
        str(p.relative_to(ROOT))
        for top in ("summarize", "evals", "newsbrief")
        for p in (ROOT / top).rglob("*.py")
        if '__name__ == "__main__"' in p.read_text(encoding="utf-8")
    )
    assert mains == []  # newsbrief/__main__.py is the one entry point, and needs no guard


# --- every README command names real commands and flags -------------------------------------------
def readme_commands() -> list[list[str]]:
    """Every ``newsbrief ...`` command in the README's code blocks, as argument lists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out: list[list[str]] = []
    for block in re.findall(r"```bash\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].split(" # ")[0]
            for part in re.split(r"&&|\|\||;|\$\(|\|", line):
                part = part.replace("[", " ").replace("]", " ")
                try:
                    words = shlex.split(part)
                except ValueError:  # a quote opened before the split point
                    words = part.split()
                if words and words[0].endswith("newsbrief") and len(words) > 1:
                    out.append(words[1:])
    return out


def test_every_readme_command_and_flag_exists() -> None:
    commands = readme_commands()
    assert len(commands) > 30
    root = build_cli()
    seen: set[str] = set()
    for words in commands:
        command: click.Command = root
        path = ["newsbrief"]
        rest = list(words)
        while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
            name = rest[0].split("|")[0]
            sub = command.get_command(click.Context(command), name)
            if sub is None:
                break  # e.g. "models | prompts": the first is the command
            command, path = sub, [*path, name]
            rest.pop(0)
        flags = {opt for p in command.params for opt in [*p.opts, *p.secondary_opts]}
        for word in rest:
            flag = word.split("=")[0]
            if flag.startswith("-") and flag != "-" and not flag.startswith("--n_"):
                assert flag in flags, f"{' '.join(path)}: README uses unknown {flag}"
        seen.add(" ".join(path))
    expected = {
        "newsbrief summarize",
        "newsbrief models",
        "newsbrief prompts",
        "newsbrief prompts new",
        "newsbrief gold draft",
        "newsbrief gold check",
        *(
            f"newsbrief eval {c}"
            for c in ("run", "rescore", "compare", "report", "list", "bless", "injection")
        ),
    }
    assert expected <= seen, expected - seen


# --- gold, suites, runs -------------------------------------------------------------------------
def test_gold_check_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Ann Lee said on Monday that taxes must fall. Bob Ray disagreed with her plan."
    (tmp_path / "a.txt").write_text(text)
    gold = {
        "article": "a.txt",
        "headline": "Lee wants lower taxes",
        "summary": "Ann Lee ...",
        "parties": [
            {"name": "Ann Lee", "kind": "person", "evidence": ["Ann Lee said"], "required": True},
            {"name": "Bob Ray", "kind": "person", "evidence": ["Bob Ray disagreed"]},
        ],
        "positions": [
            {
                "party": "Carl Doe",
                "topic": "taxes",
                "stance": "must fall",
                "polarity": "support",
                "evidence": ["taxes must fall"],
                "required": True,
            }
        ],
        "disputes": [],
        "dates": [
            {
                "text": "on Monday",
                "event": "said",
                "evidence": ["said on Tuesday"],
                "required": True,
            }
        ],
    }
    (tmp_path / "a.json").write_text(json.dumps(gold))
    assert main(["gold", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(
        line.endswith("a.json: dates[0].evidence[0]: quote not found in a.txt: 'said on Tuesday'")
        for line in out
    ), out
    assert any(
        line.endswith(
            "a.json: parties[1].required: missing: say true, or false for an "
            "item a careful reader could omit (ANNOTATION_GUIDE.md)"
        )
        for line in out
    ), out
    gold["dates"][0]["evidence"] = ["said on Monday"]
    (tmp_path / "a.json").write_text(json.dumps(gold))
    assert main(["gold", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "a.json: positions[0].party: party 'Carl Doe' is not among the parties" in out
    assert main(["gold", "check", str(tmp_path / "nope")]) == 2
    assert one_error_line(capsys) == f"error: no such gold folder: {tmp_path}/nope"


def test_gold_draft_is_marked_for_review_and_refused_until_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a.html").write_text(
        "<html><body><article><p>Ann Lee said on Monday that taxes "
        "must fall, and Bob Ray disagreed.</p></article></body></html>"
    )
    assert main(["gold", "draft", str(suite / "a.html"), "--model", "fake/heuristic"]) == 0
    assert capsys.readouterr().out.strip() == str(suite / "a.json")
    data = json.loads((suite / "a.json").read_text())
    assert data["review"] is True and data["article"] == "a.txt"
    assert all(
        item["review"] is True and item["required"] is True
        for field in ("parties", "positions", "dates", "disputes")
        for item in data[field]
    )
    assert "Ann Lee" in (suite / "a.txt").read_text()  # the text the quotes come from
    assert main(["gold", "draft", str(suite / "a.html"), "--model", "fake/heuristic"]) == 2
    assert "exists; pass --force" in one_error_line(capsys)
    runs = ["--runs-root", str(tmp_path / "runs"), "--no-progress"]
    assert main(["eval", "run", "--model", "fake/heuristic", "--suite", str(suite), *runs]) == 2
    assert "still marked for review" in one_error_line(capsys)
    for item in [data, *data["parties"], *data["positions"], *data["dates"], *data["disputes"]]:
        item["review"] = False  # reviewed
    (suite / "a.json").write_text(json.dumps(data))
    assert main(["gold", "check", str(suite)]) == 0
    assert (
        main(["eval", "run", "--model", "fake/heuristic", "--suite", str(suite), "--json", *runs])
        == 0
    )
    [run] = json.loads(capsys.readouterr().out)["runs"]
    assert run["aggregate"]["macro_f1"] is not None and run["gold"] == str(suite)


def test_a_jsonl_suite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Ann Lee said on Monday that taxes must fall."
    gold = {
        "headline": "Lee: lower taxes",
        "summary": "Ann Lee wants lower taxes.",
        "parties": [
            {"name": "Ann Lee", "kind": "person", "evidence": ["Ann Lee said"], "required": True}
        ],
    }
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "one", "text": text, "gold": gold})
        + "\n\n"
        + json.dumps({"id": "two", "text": text})
        + "\n"
    )
    assert main(["gold", "check", str(suite)]) == 0
    assert (
        main(
            [
                "eval",
                "run",
                "--model",
                "fake/heuristic",
                "--suite",
                str(suite),
                "--json",
                "--runs-root",
                str(tmp_path / "runs"),
                "--no-progress",
            ]
        )
        == 0
    )
    [run] = json.loads(capsys.readouterr().out)["runs"]
    assert run["aggregate"]["n_records"] == 2 and run["aggregate"]["macro_f1"] is not None
    assert main(["eval", "rescore", run["path"]]) == 0
    suite.write_text(json.dumps({"id": "one", "text": text}) + "\n" + json.dumps({"id": "one"}))
    capsys.readouterr()
    assert main(["eval", "run", "--model", "fake/heuristic", "--suite", str(suite)]) == 2
    assert one_error_line(capsys).endswith("suite.jsonl:2: id: 'one' is used by an earlier line")


def _suite(tmp_path: Path, n: int = 3) -> Path:
    suite = tmp_path / "suite"
    suite.mkdir()
    for i in range(n):
        (suite / f"a{i}.txt").write_text(f"Ann Lee said on Monday that tax {i} must fall.")
    return suite


def test_eval_list_compare_formats_and_retry_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evals.runner.suite import RETRIED_FILE
    from evals.store import ErrorInfo, RunStore

    runs = tmp_path / "runs"
    base = [
        "eval",
        "run",
        "--model",
        "fake/heuristic",
        "--suite",
        str(_suite(tmp_path)),
        "--gold",
        str(tmp_path / "suite"),
        "--runs-root",
        str(runs),
        "--no-progress",
    ]
    assert main([*base, "--prompt", "summary/v7", "summary/v8", "--concurrency", "3"]) == 0
    dirs = [Path(p) for p in capsys.readouterr().out.split()]
    assert main(["eval", "list", "--runs-root", str(runs)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split("\t") == ["run", "model", "prompt", "suite", "macro F1", "date"]
    assert [line.split("\t")[0] for line in listing[1:]] == [d.name for d in dirs]

    for fmt, marker in (
        ("json", '"exit_code"'),
        ("junit", "<testsuite"),
        ("markdown", "| metric |"),
    ):
        out = tmp_path / f"cmp.{fmt}"
        assert (
            main(
                [
                    "eval",
                    "compare",
                    *map(str, dirs),
                    "--format",
                    fmt,
                    "-o",
                    str(out),
                    "--n-boot",
                    "200",
                ]
            )
            == 0
        )
        assert marker in out.read_text()
    assert (
        main(
            [
                "eval",
                "compare",
                *map(str, dirs),
                "--format",
                "junit",
                "--fail-under",
                "1.01",
                "--n-boot",
                "200",
            ]
        )
        == 1
    )
    assert 'failures="1"' in capsys.readouterr().out

    store = RunStore.open(dirs[1])
    records = store.records()
    records[0] = records[0].model_copy(
        update={
            "status": "error",
            "prediction": None,
            "scores": None,
            "error": ErrorInfo(type="EndpointError", message="timed out"),
        }
    )
    store.rewrite_records(records)
    assert main(["eval", "run", "--retry-errors", str(dirs[1]), "--no-progress", "--no-cache"]) == 0
    assert all(r.status == "ok" for r in RunStore.open(dirs[1]).records())
    assert len((dirs[1] / RETRIED_FILE).read_text().splitlines()) == 1
    assert RunStore.open(dirs[1]).aggregate is not None


def test_concurrency_is_for_endpoints(tmp_path: Path) -> None:
    from evals.runner.suite import _effective_concurrency

    console = Console(width=200)
    with console.capture() as cap:
        assert _effective_concurrency("local/qwen2.5-coder-1.5b", 4, console) == 1
    assert "one article at a time" in cap.get()
    assert _effective_concurrency("openai/gpt-4o-mini", 4, console) == 4
