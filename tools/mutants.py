"""Sampled mutation testing of the pure packages: which behaviour can change with every test green?

    python -m tools.mutants form_definitions/versions.py --sample 60 --seed 1
    python -m tools.mutants form_definitions --sample 40 --seed 1      # every module of the package

Each mutant is one small change to the module's syntax tree: an operator flipped (+ -, * /, and or),
a comparison negated (== !=, < >=, in not in), a condition negated, a constant moved (n -> n + 1,
True <-> False, a string changed), a return value dropped (return None) or a call statement removed.
Per mutant a forked child imports the mutated module in place of the real one (nothing is written to
disk) and runs the package's tests with `-x -q`; the tests of the mutated module run first, so a
killed mutant usually costs a second. A mutant is killed when a test fails or it times out, and
survives when every test passes. The sample is random but reproducible (`--seed`) so that two runs
on the same code can be compared; the last line printed is a JSON summary.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import importlib.abc
import importlib.util
import json
import os
import random
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TESTS = {"form_definitions": "tests/form_definitions", "renderers": "tests/renderers"}
# Third-party modules the tests import, loaded once before forking so each child starts warm.
PRELOAD = ("pytest", "jsonschema", "mongoengine", "hypothesis", "openpyxl", "flask")

BINARY = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}
COMPARE = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Site:
    """Where and how to mutate: the n-th site of the module, its line and a short description."""

    index: int
    line: int
    description: str


def _is_docstring(node: ast.AST, parent: ast.AST | None) -> bool:
    return (
        isinstance(parent, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and bool(parent.body)
        and isinstance(parent.body[0], ast.Expr)
        and parent.body[0].value is node
    )


def _skipped(node: ast.AST) -> bool:
    """Parts of the tree whose mutation means nothing: annotations, imports, raised messages."""
    return isinstance(node, (ast.Import, ast.ImportFrom, ast.Raise, ast.JoinedStr))


def _children(node: ast.AST) -> Iterator[ast.AST]:
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "type_comment"):
            continue
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            yield value


def _mutations(node: ast.AST, parent: ast.AST | None) -> list[tuple[str, Any]]:
    """(description, how) pairs for one node; `how` is applied by `_apply`."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        new = BINARY[type(node.op)]
        found.append((f"{type(node.op).__name__} -> {new.__name__}", ("binop", new)))
    elif isinstance(node, ast.AugAssign) and type(node.op) in BINARY:
        new = BINARY[type(node.op)]
        found.append((f"{type(node.op).__name__}= -> {new.__name__}=", ("binop", new)))
    elif isinstance(node, ast.BoolOp):
        new_bool: type[ast.boolop] = ast.Or if isinstance(node.op, ast.And) else ast.And
        found.append((f"{type(node.op).__name__} -> {new_bool.__name__}", ("boolop", new_bool)))
    elif isinstance(node, ast.Compare):
        for position, op in enumerate(node.ops):
            if type(op) in COMPARE:
                new_cmp = COMPARE[type(op)]
                found.append((f"{type(op).__name__} -> {new_cmp.__name__}", ("compare", position, new_cmp)))
    elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
        found.append(("condition negated", ("negate",)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        found.append(("`not` removed", ("unnot",)))
    elif isinstance(node, ast.Constant) and not _is_docstring(node, parent):
        value = node.value
        if isinstance(value, bool):
            found.append((f"{value} -> {not value}", ("const", not value)))
        elif isinstance(value, (int, float)):
            found.append((f"{value} -> {value + 1}", ("const", value + 1)))
        elif isinstance(value, str) and value:
            found.append((f"{value[:30]!r} -> 'XX…XX'", ("const", f"XX{value}XX")))
    elif isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value):
        found.append(("return value dropped", ("return_none",)))
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        found.append(("call statement removed", ("pass",)))
    return found


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _walk(tree: ast.AST) -> Iterator[tuple[ast.AST, ast.AST | None]]:
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while stack:
        node, parent = stack.pop(0)
        if _skipped(node) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            continue  # a docstring or a bare constant: changing it changes nothing
        yield node, parent
        stack[0:0] = [(child, node) for child in _children(node)]


def sites(tree: ast.AST) -> list[Site]:
    """Every mutation site of a module, in a stable order."""
    found = []
    for node, parent in _walk(tree):
        for description, _how in _mutations(node, parent):
            found.append(Site(len(found), getattr(node, "lineno", 0), description))
    return found


class _Mutator(ast.NodeTransformer):
    def __init__(self, target: int) -> None:
        self.target = target
        self.count = 0

    def mutate(self, tree: ast.AST) -> ast.AST:
        for node, parent in _walk(tree):
            for _description, how in _mutations(node, parent):
                if self.count == self.target:
                    return self._apply(tree, node, how)
                self.count += 1
        raise IndexError(self.target)

    @staticmethod
    def _apply(tree: ast.AST, node: Any, how: tuple[Any, ...]) -> ast.AST:
        kind = how[0]
        if kind in ("binop", "boolop"):
            node.op = how[1]()
        elif kind == "compare":
            node.ops[how[1]] = how[2]()
        elif kind == "negate":
            node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
        elif kind == "unnot":
            return _replace(tree, node, node.operand)
        elif kind == "const":
            node.value = how[1]
        elif kind == "return_none":
            node.value = ast.Constant(value=None)
        elif kind == "pass":
            return _replace(tree, node, ast.Pass())
        return tree


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    class Swap(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> Any:
            return ast.copy_location(new, old) if node is old else self.generic_visit(node)

    return Swap().visit(tree)


def mutant_code(source: str, path: Path, index: int) -> Any:
    tree = _Mutator(index).mutate(copy.deepcopy(ast.parse(source)))
    return compile(ast.fix_missing_locations(tree), str(path), "exec")


class _MutantLoader(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from a code object instead of its file."""

    def __init__(self, module: str, path: Path, code: Any) -> None:
        self.module, self.path, self.code = module, path, code

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.module:
            return None
        return importlib.util.spec_from_file_location(fullname, self.path, loader=self)

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        exec(self.code, module.__dict__)


def _test_phases(module_path: Path, tests: str) -> list[list[str]]:
    """The mutated module's own test files (test_<module>*.py) first, then the rest of the folder."""
    folder = ROOT / tests
    own = sorted(str(p.relative_to(ROOT)) for p in folder.glob(f"test_{module_path.stem}*.py"))
    rest = sorted(str(p.relative_to(ROOT)) for p in folder.glob("test_*.py") if str(p.relative_to(ROOT)) not in own)
    return [own, rest]


def start_mutant(module: str, path: Path, code: Any, phases: list[list[str]]) -> int:
    """Fork a child that imports the mutant in place of the module and runs the tests; its pid.

    The tests run in phases (the module's own test files, then the rest) so that a mutant its own
    tests kill never pays for collecting the others.
    """
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        if code is not None:
            sys.meta_path.insert(0, _MutantLoader(module, path, code))
        import pytest

        for tests in phases:
            if tests and pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider"]) != 0:
                os._exit(1)
        os._exit(0)
    return pid


def run_all(
    jobs: list[tuple[Site, Any]], module: str, path: Path, phases: list[list[str]], opts: Any
) -> dict[int, str]:
    """Verdict per site index: 'killed', 'survived' or 'timeout', with at most `opts.jobs` children at once."""
    verdicts: dict[int, str] = {}
    waiting = list(jobs)
    running: dict[int, tuple[Site, float]] = {}
    while waiting or running:
        while waiting and len(running) < opts.jobs:
            site, code = waiting.pop(0)
            running[start_mutant(module, path, code, phases)] = (site, time.monotonic() + opts.timeout)
        for pid, (site, deadline) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                verdicts[site.index] = "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
            elif time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                verdicts[site.index] = "timeout"
            else:
                continue
            del running[pid]
        time.sleep(0.05)
    return verdicts


def module_name(path: Path) -> str:
    parts = list(path.resolve().relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", help="module files or package folders")
    parser.add_argument("--sample", type=int, default=60, help="mutants per file (default 60; 0 = all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tests", help="test folder (default: tests/<package>)")
    parser.add_argument(
        "--timeout", type=float, default=0, help="seconds per mutant, killed beyond (default: 3 x a clean run, >= 30)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    files: list[Path] = []
    for target in args.targets:
        path = (ROOT / target).resolve()
        files += sorted(p for p in path.glob("*.py") if p.name != "__init__.py") if path.is_dir() else [path]
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            __import__(name)
    os.environ.setdefault("HYPOTHESIS_PROFILE", "mutants")
    summary: dict[str, Any] = {"seed": args.seed, "sample": args.sample, "files": {}}
    killed_all = total_all = 0
    for path in files:
        rel = str(path.relative_to(ROOT))
        source = path.read_text(encoding="utf-8")
        all_sites = sites(ast.parse(source))
        rng = random.Random(f"{args.seed}:{rel}")
        chosen = all_sites if not args.sample else rng.sample(all_sites, min(args.sample, len(all_sites)))
        chosen = sorted(chosen, key=lambda s: s.index)
        phases = _test_phases(path, args.tests or DEFAULT_TESTS.get(rel.split("/")[0], "tests"))
        killed, survivors = 0, []
        started = time.monotonic()
        clean = argparse.Namespace(jobs=1, timeout=args.timeout or 600)
        if run_all([(Site(-1, 0, "none"), None)], module_name(path), path, phases, clean)[-1] != "survived":
            raise SystemExit(f"{rel}: the tests fail or time out without any mutant; fix them first")
        limits = argparse.Namespace(jobs=args.jobs, timeout=args.timeout or max(30.0, 3 * (time.monotonic() - started)))
        jobs = [(site, mutant_code(source, path, site.index)) for site in chosen]
        verdicts = run_all(jobs, module_name(path), path, phases, limits)
        for site in chosen:
            if verdicts[site.index] == "survived":
                survivors.append(f"{rel}:{site.line}: {site.description}")
                print(f"  survived  {rel}:{site.line}: {site.description}", flush=True)
            else:
                killed += 1
        score = round(100 * killed / len(chosen), 1) if chosen else 100.0
        seconds = round(time.monotonic() - started)
        print(f"{rel}: {killed}/{len(chosen)} killed ({score} %) of {len(all_sites)} sites, {seconds} s", flush=True)
        summary["files"][rel] = {"mutants": len(chosen), "killed": killed, "score": score, "survivors": survivors}
        killed_all += killed
        total_all += len(chosen)
    summary["mutants"], summary["killed"] = total_all, killed_all
    summary["score"] = round(100 * killed_all / total_all, 1) if total_all else 100.0
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
