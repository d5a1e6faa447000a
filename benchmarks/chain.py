"""Long chains of scalar ops: build and backward cost per op, memory per node."""

from __future__ import annotations

import gc
import time
import tracemalloc

# micrograd 0.1.0 knows + - * / ** relu: the peer comparison uses only those.
BASIC = (
    lambda x: x * 1.0001,
    lambda x: x + 0.3,
    lambda x: x - 0.3,
    lambda x: x / 1.0001,
    lambda x: x**1.0,
    lambda x: x.relu(),
)
# chainrule's transcendental ops, kept in range: tanh+1 > 0 for log, sqrt of a positive.
EXTENDED = (
    lambda x: x.tanh(),
    lambda x: x + 1.0,
    lambda x: x.log(),
    lambda x: x.exp(),
    lambda x: x.sigmoid(),
    lambda x: x.sqrt(),
    lambda x: x * 1.5,
    lambda x: x.sin(),
    lambda x: x - 0.2,
)


def build(leaf, n_ops, ops=BASIC):
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


def time_chain(make_leaf, n_ops, ops=BASIC):
    """(build seconds, backward seconds) for one chain."""
    gc.collect()
    leaf = make_leaf()
    t0 = time.perf_counter()
    root = build(leaf, n_ops, ops)
    t1 = time.perf_counter()
    root.backward()
    t2 = time.perf_counter()
    del root, leaf
    return t1 - t0, t2 - t1


def memory_chain(make_leaf, n_ops, parents, ops=BASIC, backward=False):
    """(bytes held per node after build, nodes, peak bytes) measured with tracemalloc."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    leaf = make_leaf()
    root = build(leaf, n_ops, ops)
    if backward:
        root.backward()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nodes = count_nodes(root, parents)
    return (held - base) / nodes, nodes, peak - base
