"""Long chains of scalar ops (the ops micrograd also knows), and a node counter."""

from __future__ import annotations

# micrograd 0.1.0 knows + - * / ** relu: the peer comparison uses only those.
BASIC = (
    lambda x: x * 1.0001,
    lambda x: x + 0.3,
    lambda x: x - 0.3,
    lambda x: x / 1.0001,
    lambda x: x**1.0,
    lambda x: x.relu(),
)


def build(leaf, n_ops, ops=BASIC):
    """A chain of ``n_ops`` ops from ``leaf``, cycling through ``ops``."""
    x = leaf
    k = len(ops)
    for i in range(n_ops):
        x = ops[i % k](x)
    return x


def count_nodes(root, parents):
    """Nodes reachable from root (iterative; ``parents`` reads a node's inputs)."""
    seen, stack = {id(root)}, [root]
    while stack:
        for p in parents(stack.pop()):
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)
