#!/usr/bin/env python3
"""Checks the engine's include layering: every `#include "x/..."` in engine/**/*.{cpp,hpp} must follow
an edge of ALLOWED (or, between two modules, of DEPENDS), and the folder graph must have no cycle.

A file's layer is its top folder under engine/ (http, routing, ...); under modules/<name>/ it is
`modules/<name>`, and modules/module_list.hpp itself is the layer `modules`.

Usage: check-layers.py ENGINE_DIR    (exits 1 and prints file:line for each violation)
"""
import pathlib
import re
import sys

# Layer -> the layers its files may include (a layer may always include itself). Read bottom-up;
# the table is the documentation (docs/engine.md, "Layers"), so keep the two in step.
ALLOWED = {
    "config": [],
    "geo": ["config"],
    # Protocol plumbing only: streams, parsing, the request context, response filters, relaying.
    "http": ["config"],
    "metrics": ["config", "geo", "http"],
    # The Caddyfile language, adapter and exporter; sees modules only through module/caddyfile_registry.cpp.
    "caddyfile": ["config", "http"],
    # What a module is (descriptor, Handler, BuildContext) and the registry over the module list.
    "module": ["config", "http", "metrics", "caddyfile", "modules"],
    # Routes, matchers, placeholders, header operations, the server's built routes and settings.
    "routing": ["config", "http", "metrics", "module"],
    "logging": ["config", "http", "routing"],
    "tls": ["config", "http", "logging", "metrics", "module"],
    # The Redis client (hiredis driven by Asio): what modules share through a Redis.
    "redis": ["config", "http"],
    # Every modules/<name> (see MODULE_MAY_INCLUDE and DEPENDS).
    "modules/*": None,
    # The list of compiled-in modules: a macro, includes nothing.
    "modules": [],
    # The HTTP server at run time: a config built into a Runtime, the per-thread workers that accept,
    # the connection loop. A worker holds its thread's module state (module/thread_state.hpp).
    "server": ["config", "http", "metrics", "module", "routing", "logging", "tls"],
    # The engine: loads and reloads configs, owns the workers and the modules' state across reloads
    # (module/usage_pool.hpp), and serves the admin API, with each module's status endpoint.
    "core": ["config", "metrics", "caddyfile", "module", "routing", "server", "admin"],
    # The config API's JSON path edits (GET/POST/PATCH/DELETE /config/...).
    "admin": ["config"],
}

# What every module may include.
MODULE_MAY_INCLUDE = ["config", "http", "metrics", "caddyfile", "module", "routing", "logging", "redis"]

# Module -> the modules it builds on. Anything else between two modules is a violation.
DEPENDS = {
    "forward_auth": ["reverse_proxy"],   # a reverse_proxy with a preset; exports through its parser
    "copy_response": ["reverse_proxy"],  # runs inside reverse_proxy's handle_response routes
    "encode": ["reverse_proxy"],         # filters the proxied response of handle_response
    "php_fastcgi": ["reverse_proxy"],    # expands into a reverse_proxy; reads and writes it through its parser
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(rel: pathlib.PurePath) -> str:
    parts = rel.parts
    if parts[0] == "modules" and len(parts) > 2:
        return "modules/" + parts[1]
    return parts[0]


def allowed(source: str, target: str) -> bool:
    if source == target:
        return True
    if source.startswith("modules/"):
        if target.startswith("modules/"):
            return target.removeprefix("modules/") in DEPENDS.get(source.removeprefix("modules/"), [])
        return target in MODULE_MAY_INCLUDE
    return target in (ALLOWED.get(source) or [])


def find_cycle(edges: dict) -> list:
    """One cycle of the folder graph as a list of layers, or [] when it has none."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return []

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    violations, edges = [], {}
    files = sorted(p for p in root.rglob("*") if p.suffix in (".cpp", ".hpp") and p.is_file())
    for path in files:
        rel = path.relative_to(root)
        source = layer_of(rel)
        known = source.startswith("modules/") or source in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            included = match.group(1)
            if not (root / included).is_file():
                violations.append(f"{path}:{number}: {included} is not a file under {root} (includes are spelled from engine/)")
                continue
            target = layer_of(pathlib.PurePath(included))
            if target != source:
                edges.setdefault(source, set()).add(target)
            if not known:
                violations.append(f"{path}:{number}: layer {source} is not in the table of tools/check-layers.py")
                known = True
            elif not allowed(source, target):
                violations.append(f"{path}:{number}: layer {source} may not include layer {target} ({included})")
    cycle = find_cycle(edges)
    if cycle:
        violations.append("folder cycle: " + " -> ".join(cycle))
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} layering violation(s); the allowed edges are in tools/check-layers.py")
        return 1
    print(f"layers: {len(files)} files, {sum(len(t) for t in edges.values())} folder edges, no violation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
