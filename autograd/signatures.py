"""Value's operators and methods as type checkers see them, written from the op table.

:mod:`autograd.nodes` installs each op's methods on ``Value`` when the package is
imported, which no type checker can follow; so ``autograd/methods.py`` declares them, one
signature per installed name, the way ``nodes._install`` makes them: unary ops take the
node alone or their parameter (``slope=0.01``; both bounds of ``clamp``), binary ops a
Value or a number (``reflected`` ones the number on the left). That file is generated:
``python -m autograd.signatures --write`` rewrites it, and a test fails when it and the
table disagree.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from .nodes import method_doc
from .ops import OPS, Op

PATH = Path(__file__).with_name("methods.py")

HEAD = '''"""The op table's operators and methods on ``Value``, for type checkers and readers.

Generated from autograd/ops.py by ``python -m autograd.signatures --write`` (edit the
table, not this file); autograd.nodes installs the methods themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value


class TableMethods:
    """What every op of the table installs on Value (its base class)."""

    __slots__ = ()

    if TYPE_CHECKING:
'''


def _parameters(op: Op, name: str) -> str:
    """The parameters after ``self`` of the method ``name`` that ``op`` installs."""
    if op.arity == 2:
        other = op.inputs[0] if name in op.reflected else op.inputs[1]
        return f", {other}: float" if name in op.reflected else f", {other}: Value | float"
    if not op.param:
        return ""
    pname, default = op.param
    if isinstance(default, tuple):  # two optional bounds, taken as min= and max=
        return ", min: float | None = None, max: float | None = None"
    kind = "Value | float" if op.promote else "float"
    return f", {pname}: {kind}" + ("" if default is None else f" = {default!r}")


def _docstring(text: str) -> str:
    """A docstring at the methods' indent, wrapped to the project's line length."""
    indent = " " * 12
    lines = textwrap.wrap(text, 100 - len(indent) - 3, break_long_words=False)
    if len(lines) == 1:
        return f'{indent}"""{text}"""\n'
    return f'{indent}"""' + f"\n{indent}".join(lines) + f'\n{indent}"""\n'


def source() -> str:
    """The text of autograd/methods.py for the table as it is."""
    defs = [
        f"        def {name}(self{_parameters(op, name)}) -> Value:\n" + _docstring(method_doc(op))
        for op in OPS if op.arity
        for name in (*op.methods, *op.reflected)
    ]
    return HEAD + "\n" + "\n".join(defs)


def write(path: Path = PATH) -> bool:
    """Rewrite autograd/methods.py from the table; True when it changed."""
    new = source()
    if path.exists() and path.read_text(encoding="utf-8") == new:
        return False
    path.write_text(new, encoding="utf-8")
    return True


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write"]:
        print(f"{PATH}: {'updated' if write() else 'already fresh'}")
    else:
        print(source(), end="")
