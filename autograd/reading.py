"""Reading and rewriting expression trees: which variables a tree reads, whether two
trees are the same computation, and a tree with some variables replaced by trees."""

from __future__ import annotations

from collections.abc import Mapping

from .expr import Bin, Expr, Num, Var


def variables(e: Expr) -> list[str]:
    """The names of the variables ``e`` reads, once per read, in no particular order."""
    found: list[str] = []
    stack = [e]
    pop, push, add = stack.pop, stack.append, found.append
    while stack:
        node = pop()
        kind = type(node)
        if kind is Var:
            add(node.name)  # type: ignore[attr-defined]
        elif kind is Bin:
            push(node.left)  # type: ignore[attr-defined]
            push(node.right)  # type: ignore[attr-defined]
        elif kind is not Num:
            stack.extend(node.parts())
    return found


def same(a: Expr, b: Expr) -> bool:
    """Whether two trees are the same computation (variables by name, numbers by value)."""
    if a is b:
        return True
    if type(a) is not type(b) or a.key() != b.key():
        return False
    pa, pb = a.parts(), b.parts()
    return len(pa) == len(pb) and all(same(x, y) for x, y in zip(pa, pb))


def substitute(e: Expr, values: Mapping[str, Expr]) -> Expr:
    """``e`` with each variable named in ``values`` replaced by its tree (the same
    operations, so the same floats: nothing is simplified again). Parts with nothing to
    replace are the very same objects."""
    kind = type(e)
    if kind is Var:
        return values.get(e.name, e)  # type: ignore[attr-defined]
    if kind is Num:
        return e
    if kind is Bin:
        left, right = e.left, e.right  # type: ignore[attr-defined]
        new_left, new_right = substitute(left, values), substitute(right, values)
        if new_left is left and new_right is right:
            return e
        return Bin(e.symbol, new_left, new_right)  # type: ignore[attr-defined]
    parts = e.parts()
    if not parts:
        return e
    new = [substitute(p, values) for p in parts]
    if all(a is b for a, b in zip(new, parts)):
        return e
    return e.rebuild(tuple(new))
