#!/usr/bin/env python3
"""Check that the top-level modules of src/ import one another one way only.

Reads every .rs file, collects `crate::<top>` references (use lines and paths in code, test
modules included), builds the graph between top-level modules, and fails when
  - two or more modules form a cycle (reported with the files that close it), or
  - a lower layer imports an upper one (the layer list is below, from DESIGN.md).
Usage: python3 scripts/layers.py [--graph]
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# From the bottom up. A module may import its own layer's peers only if no cycle results, and
# any layer below it; never a layer above.
LAYERS = [
    ["model", "safe_text", "private_files", "panics", "paths", "allocator"],
    ["normalize", "query", "store", "feed", "detect", "stories", "hunt"],
    ["aws", "athena", "source", "rules", "notify", "respond", "recover", "notebook", "keymap", "theme", "settings",
     "inspect"],
    ["app", "watch"],
    ["ui"],
    ["console", "cli", "bench"],
]
LEVEL = {m: i for i, layer in enumerate(LAYERS) for m in layer}

REF = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
USE_GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)


def top_of(path):
    rel = os.path.relpath(path, ROOT)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def graph():
    edges = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            src = top_of(path)
            if src in ("lib", "main") or os.path.relpath(path, ROOT).startswith("bin" + os.sep):
                continue
            with open(path, encoding="utf-8") as fh:
                text = strip_comments(fh.read())
            targets = set(REF.findall(text))
            for group in USE_GROUP.findall(text):
                for item in re.split(r",", group):
                    m = re.match(r"\s*([a-z_][a-z0-9_]*)", item)
                    if m:
                        targets.add(m.group(1))
            for t in targets:
                if t != src and t not in ("self",):
                    edges.setdefault(src, {}).setdefault(t, set()).add(os.path.relpath(path, ROOT))
    return edges


def sccs(edges):
    nodes = set(edges) | {t for ts in edges.values() for t in ts}
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    edges = graph()
    problems = []
    for comp in sccs(edges):
        inside = [
            f"  {a} -> {b} ({', '.join(sorted(edges[a][b])[:3])})"
            for a in comp
            for b in sorted(edges.get(a, {}))
            if b in comp
        ]
        problems.append("cycle between " + ", ".join(comp) + ":\n" + "\n".join(inside))
    for a in sorted(edges):
        if a not in LEVEL:
            problems.append(f"module {a} is in no layer: add it to LAYERS in scripts/layers.py")
            continue
        for b in sorted(edges[a]):
            if b not in LEVEL:
                problems.append(f"module {b} is in no layer: add it to LAYERS in scripts/layers.py")
            elif LEVEL[b] > LEVEL[a]:
                files = ", ".join(sorted(edges[a][b])[:3])
                problems.append(f"{a} (layer {LEVEL[a]}) imports {b} (layer {LEVEL[b]}) in {files}")
    if "--graph" in sys.argv:
        for a in sorted(edges):
            print(a, "->", " ".join(sorted(edges[a])))
    for p in sorted(set(problems)):
        print(p)
    if problems:
        print(f"layers: {len(set(problems))} problem(s)")
        return 1
    print(f"layers: {len(edges)} modules, no cycle, no upward import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
