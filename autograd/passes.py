"""Passes over instruction lists: each rewrites a program into one that computes the very
same floats, in the same order, with fewer lines for CPython to compile. (A gradient that
is another's passed through unchanged, ``g_dot = g_add``, shares that variable as the
gradients are built: :func:`autograd.lowering.gradient`.)

- :func:`inline`: a value read once, by one later line, is written into that line.
- :func:`shared_blocks`: a block of inputs several n-ary calls share (a layer's inputs)
  is written once as a tuple and passed as ``*_t1``.
- :func:`product_runs`: a gradient that starts with a run of products ``g_use · x`` whose
  two tuples of names recur (a weight's gradient over the samples) is summed by a helper
  over tuples written once.
- :func:`split_sums`: a sum of many terms continues on the next line (``g = g + …``).

Each pass takes a list of statements and returns a new one (the trees are shared).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import Any

from .code import Fn, Star, Tup
from .expr import Bin, Call, Expr, Num, Sum, Var
from .instructions import Assign, Def, Return, Statement, reads
from .reading import substitute

# Inputs of n-ary calls: a block of inputs that several calls share is written once.
SHARED_BLOCK = 3
# How deep values read once nest inside the line that reads them: a long chain of them
# still gets a line every few links, so no line nests deeper than CPython compiles.
INLINE_DEPTH = 3
# The most terms one line adds: a longer sum continues on the next line.
TERMS_PER_LINE = 100
# A run of at least this many products whose two tuples both recur is summed by a helper.
SHARED_RUN = 4


def inline(statements: Sequence[Statement], keep: Collection[str] = (),
           limit: int = INLINE_DEPTH, sums: bool = True,
           read: set[str] | None = None) -> list[Statement]:
    """Write each variable read once, by a later assignment, into that assignment.

    ``keep``: variables read elsewhere too (by another part of the program), which keep
    their line. Nesting is bounded by ``limit``: a value that would nest deeper keeps
    its line, and what reads it starts again from depth 1. With ``sums=False`` a sum of
    several terms keeps its line (a gradient summed over its uses reads better named).
    ``read``, if given, receives every name the returned statements read.
    """
    names = [reads(s) for s in statements]
    counts: dict[str, int] = {}
    for found in names:
        for v in found:
            counts[v] = counts.get(v, 0) + 1
    written: dict[str, tuple[Expr, int, list[str]]] = {}  # tree, depth, what it reads
    out: list[Statement] = []
    for s, found in zip(statements, names):
        if isinstance(s, Assign):
            inside = [v for v in found if v in written] if written else []
            expr, d = s.expr, 1
            if inside:
                parts = {v: written.pop(v) for v in inside}
                expr = substitute(expr, {v: p[0] for v, p in parts.items()})
                d += max(p[1] for p in parts.values())
                found = [v for v in found if v not in parts]
                for p in parts.values():
                    found += p[2]
            target = s.target
            if (d <= limit and not s.add and isinstance(target, Var)
                    and counts.get(target.name) == 1 and target.name not in keep
                    and (sums or not isinstance(expr, Sum) or len(expr.terms) == 1)):
                written[target.name] = (expr, d, found)
                continue
            s = s if expr is s.expr else Assign(target, expr, s.add)
        out.append(s)
        if read is not None:
            read.update(found)
    return out


def shared_blocks(statements: Sequence[Statement], prefix: str = "_t") -> list[Statement]:
    """n-ary calls (``dot(w₁, w₂, w₃, x₁, x₂, x₃)``) whose blocks of inputs (one per
    input name) recur in other calls: each such block is written once as a tuple
    (``_t1 = (x₁, x₂, x₃)``, just before its first use) and passed as ``*_t1``."""
    def blocks(e: Expr) -> list[tuple[Any, ...]] | None:
        if not isinstance(e, Call) or e.op.arity != 0:
            return None
        width = len(e.op.rules)
        if len(e.args) < SHARED_BLOCK * width:
            return None
        size = len(e.args) // width
        return [tuple(e.args[i:i + size]) for i in range(0, len(e.args), size)]

    seen: Counter[Hashable] = Counter()
    split: dict[int, list[tuple[Any, ...]]] = {}
    for i, s in enumerate(statements):
        if isinstance(s, Assign):
            parts = blocks(s.expr)
            if parts is not None and all(isinstance(a, (Var, Num)) for a in s.expr.parts()):
                split[i] = parts
                seen.update(_key(p) for p in parts)
    names: dict[Hashable, str] = {}
    out: list[Statement] = []
    for i, s in enumerate(statements):
        parts = split.get(i)
        if parts is None or not any(seen[_key(p)] > 1 for p in parts):
            out.append(s)
            continue
        args: list[Expr] = []
        for part in parts:
            k = _key(part)
            if seen[k] < 2:
                args += part
                continue
            if k not in names:
                names[k] = f"{prefix}{len(names) + 1}"
                out.append(Assign(Var(names[k]), Tup(part)))
            args.append(Star(Var(names[k])))
        call: Call = s.expr  # type: ignore[assignment, union-attr]
        out.append(Assign(s.target, Call(call.op, tuple(args), call.k), s.add))  # type: ignore
    return out


def _run(terms: tuple[Expr, ...], kind_of: Callable[[str], Any]) -> int:
    """How many terms at the start are products ``g · x`` (x a name or a number) whose
    ``g`` are gradients of nodes of one kind (one op)."""
    n, kind = 0, None
    for t in terms:
        if not (isinstance(t, Bin) and t.symbol == "*" and isinstance(t.left, Var)
                and isinstance(t.right, (Var, Num))):
            break
        k = kind_of(t.left.name)
        if n and k is not kind:
            break
        n, kind = n + 1, k
    return n


def product_runs(statements: Sequence[Statement], kind_of: Mapping[str, Any],
                 prefix: str = "_u") -> tuple[list[Statement], set[int]]:
    """Sums that start with ≥ :data:`SHARED_RUN` products ``g_use · x`` of uses of one op,
    whose tuple of g's and tuple of x's both recur in other such sums, as
    ``_dot_seq<n>(_u1, _u2)`` over tuples written once (``_u1 = (g₁, g₂, …)``).

    Across a layer these tuples recur (every weight of a neuron sums over the same
    gradients of its dot products; every input of a layer over the same weights), and
    CPython compiles a call over two names far faster than the products written out.
    The run is the start of the sum and the helper adds left to right, as the sum does:
    the same floats. Returns the statements and the run lengths used (for the helpers).
    """
    kind = kind_of.get
    runs: dict[int, tuple[int, tuple[Expr, ...], tuple[Expr, ...]]] = {}
    seen: Counter[Hashable] = Counter()
    for i, s in enumerate(statements):
        if isinstance(s, Assign) and isinstance(s.expr, Sum) and len(s.expr.terms) >= SHARED_RUN:
            n = _run(s.expr.terms, kind)
            if n >= SHARED_RUN:
                products: Any = s.expr.terms[:n]
                gs = tuple(t.left for t in products)
                xs = tuple(t.right for t in products)
                runs[i] = (n, gs, xs)
                seen[_key(gs)] += 1
                seen[_key(xs)] += 1
    names: dict[Hashable, str] = {}
    sizes: set[int] = set()
    out: list[Statement] = []
    for i, s in enumerate(statements):
        found = runs.get(i)
        if found is None or seen[_key(found[1])] < 2 or seen[_key(found[2])] < 2:
            out.append(s)
            continue
        assert isinstance(s, Assign) and isinstance(s.expr, Sum)  # as runs were found
        n, gs, xs = found
        args = []
        for part in (gs, xs):
            k = _key(part)
            if k not in names:
                names[k] = f"{prefix}{len(names) + 1}"
                out.append(Assign(Var(names[k]), Tup(part)))
            args.append(Var(names[k]))
        if n <= TERMS_PER_LINE:
            sizes.add(n)
        call = Fn(f"_dot_seq{n}" if n <= TERMS_PER_LINE else "_dot_seq", tuple(args))
        out.append(Assign(s.target, Sum((call, *s.expr.terms[n:])), s.add))
    return out, sizes


def _key(items: tuple[Expr, ...]) -> Hashable:
    # Variables by name, numbers by value (told apart from a name by a tuple).
    return tuple([e.name if type(e) is Var else ("#", repr(e.value))  # type: ignore[attr-defined]
                  for e in items])


def dot_seq_helper(n: int) -> Def:
    """``_dot_seq<n>(gs, xs)``: ``gs[0]·xs[0] + gs[1]·xs[1] + …`` written out, left to right."""
    gs = [Var(f"g{i}") for i in range(n)]
    xs = [Var(f"x{i}") for i in range(n)]
    return Def(f"_dot_seq{n}", ("gs", "xs"), [
        Assign(Tup(tuple(gs)), Var("gs")),
        Assign(Tup(tuple(xs)), Var("xs")),
        Return(Sum(tuple(Bin("*", g, x) for g, x in zip(gs, xs)))),
    ])


def split_sums(statements: Sequence[Statement], limit: int = TERMS_PER_LINE) -> list[Statement]:
    """``g = t₁ + … + tₙ`` with n > ``limit`` as ``g = t₁ + … + t_limit``, then
    ``g = g + …``: the same additions in the same order, lines CPython compiles without
    nesting too deep."""
    out: list[Statement] = []
    for s in statements:
        if not (isinstance(s, Assign) and isinstance(s.expr, Sum) and len(s.expr.terms) > limit):
            out.append(s)
            continue
        terms = s.expr.terms
        out.append(Assign(s.target, Sum(terms[:limit]), s.add))
        for start in range(limit, len(terms), limit):
            out.append(Assign(s.target, Sum((s.target, *terms[start:start + limit]))))
    return out
