"""A prompt version's behaviour identity: its resolved files and the code of its passes.

The content hash of a version (:attr:`summarize.prompting.PromptTemplate.content_hash`)
pins its templates; what the version *does* also depends on the code of the passes it
names. :func:`behaviour_hash` covers both: sha256 over the content hash and, for every pass
in the version's order, its versioned name and the normalised code of its module and of
every module of this package that module imports, transitively (helper modules, another
pass's module), leaving out what every pass shares (``registry.py``, this module and the
package's ``__init__.py``). Code is normalised as ``ast.dump`` of its parse with docstrings
dropped, so comments, docstrings and formatting (``ruff format``) do not count; a changed
statement, name or constant does.

Shared code the passes call (the reading layer, grounding, date resolution, the pass
context in ``registry.py``) is not in this hash: it is pinned by its own tests.
``prompts/RELEASED.json`` records the behaviour hash of every released version, and a test
fails when one changes (a changed pass is a new pass, ``cast.v2``, named by a new version).
"""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path

from summarize.passes.registry import get_pass
from summarize.prompting import PromptTemplate

#: Bumped when what the hash covers changes meaning, so no old hash matches a new one.
BEHAVIOUR_HASH_VERSION = b"newsbrief-behaviour-v1"
PACKAGE = "summarize.passes"
_PACKAGE_DIR = Path(__file__).resolve().parent
#: Modules of the package every pass shares; never part of a pass's identity.
SHARED_MODULES = frozenset({f"{PACKAGE}.registry", f"{PACKAGE}.identity", PACKAGE})


def behaviour_hash(prompt: PromptTemplate) -> str:
    """sha256 over ``prompt``'s resolved files and the normalised code of its passes."""
    digest = hashlib.sha256(BEHAVIOUR_HASH_VERSION + b"\0")
    digest.update(prompt.content_hash.encode() + b"\0")
    for step in prompt.passes:
        spec = get_pass(step, prompt=prompt.name)
        digest.update(spec.name.encode() + b"\0")
        for module in pass_modules(spec.module):
            digest.update(module.encode() + b"\0")
            digest.update(normalized_code(_source(module)).encode() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=64)
def pass_modules(
    module: str, package: str = PACKAGE, package_dir: Path = _PACKAGE_DIR
) -> tuple[str, ...]:
    """``module`` and every module of ``package`` it imports, transitively, sorted; the
    package's shared modules (:data:`SHARED_MODULES`) left out."""
    shared = {f"{package}.registry", f"{package}.identity", package}
    found: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in found or name in shared:
            continue
        found.add(name)
        tree = ast.parse(_source(name, package, package_dir))
        todo += [m for m in _imported(tree, name, package) if _file(m, package, package_dir)]
    return tuple(sorted(found))


def normalized_code(source: str) -> str:
    """The code of ``source`` without comments, docstrings or layout (``ast.dump``)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:]
    return ast.dump(tree, annotate_fields=True, include_attributes=False)


def _imported(tree: ast.AST, module: str, package: str) -> list[str]:
    """Modules of ``package`` that ``tree`` (the code of ``module``) imports, anywhere."""
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                parent = module.rsplit(".", node.level)[0]
                base = f"{parent}.{base}" if base else parent
            out.append(base)
            out += [f"{base}.{alias.name}" for alias in node.names]
    return [m for m in out if m.startswith(f"{package}.")]


def _file(module: str, package: str = PACKAGE, package_dir: Path = _PACKAGE_DIR) -> Path | None:
    """The source file of ``module`` if it is a module of ``package`` (one level), else None."""
    if not module.startswith(f"{package}.") or module.count(".") != package.count(".") + 1:
        return None
    path = package_dir / f"{module.rsplit('.', 1)[1]}.py"
    return path if path.is_file() else None


def _source(module: str, package: str = PACKAGE, package_dir: Path = _PACKAGE_DIR) -> str:
    path = _file(module, package, package_dir)
    if path is None:
        raise ValueError(f"{module} is not a module of {package} ({package_dir})")
    return path.read_text(encoding="utf-8")


__all__ = [
    "BEHAVIOUR_HASH_VERSION",
    "SHARED_MODULES",
    "behaviour_hash",
    "normalized_code",
    "pass_modules",
]
