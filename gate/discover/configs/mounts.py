"""Container paths that compose mounts from the tree.

An Ollama Modelfile run inside a container (``FROM /root/.ollama/models/x.gguf``, often
written by a script the compose service runs) names the weights by their path in the
container. When a compose file of the same tree bind-mounts a tree folder there
(``./LLM_FineTunning:/root/.ollama/models``), the weights are that tree path, present in
the checkout or not (gitignored weights): ``local:LLM_FineTunning/x.gguf``.
"""

from __future__ import annotations

import posixpath
import re

from gate import identity
from gate.discover import localpaths, refs
from gate.discover.configs.containers import _volumes
from gate.discover.configs.nodes import _yaml_docs
from gate.discover.tree import Tree
from gate.model import JSON, Evidence, EvidenceKind, Role

_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$", re.IGNORECASE)
_MAX_COMPOSE = 1_000_000
"""Bytes of one compose file read at most."""
_INSTRUCTIONS = ("FROM", "ADAPTER")


def compose_mounts(tree: Tree) -> list[tuple[str, str]]:
    """Every compose service's bind mount of a tree folder, as (tree path, container path);
    a container path mounted from two different tree folders is left out (ambiguous)."""
    seen: dict[str, set[str]] = {}
    for tf in tree.files:
        if not _COMPOSE.match(tf.name):
            continue
        text = tree.read_text(tf, _MAX_COMPOSE)
        if text is None or "volumes" not in text:
            continue
        docs = _yaml_docs(tf.rel, text)
        if isinstance(docs, str):
            tree.skip(tf.rel, f"compose file not read for its volume mounts: {docs}")
            continue
        folder = posixpath.dirname(tf.rel)
        for doc in docs:
            services = doc.value.get("services") if isinstance(doc.value, dict) else None
            if services is None or not isinstance(services.value, dict):
                continue
            for service in services.value.values():
                if not isinstance(service.value, dict):
                    continue
                for host, target in _volumes(service.value.get("volumes")):
                    if not host.startswith(".") or localpaths.is_outside(host):
                        continue  # a named volume or a host folder outside the tree
                    path = posixpath.normpath(posixpath.join(folder, host))
                    if path.startswith(".."):
                        continue
                    seen.setdefault(target, set()).add(path)
    return sorted((next(iter(hosts)), t) for t, hosts in seen.items() if len(hosts) == 1)


def _candidate(ev: Evidence) -> str | None:
    """The container path a Modelfile's FROM/ADAPTER, or any config's unresolved absolute
    model path (an axolotl ``base_model: /workspace/models/x``, a compose ``MODEL_PATH``),
    names; None for anything else."""
    written = ev.attributes.get("local_path")
    if not isinstance(written, str) or not written.startswith("/"):
        return None
    if ev.attributes.get("instruction") in _INSTRUCTIONS:
        return written
    unresolved = ev.attributes.get("unresolved") is True and ev.identity.startswith("local:/")
    return written if unresolved else None


def _mounted_at(value: str, by_target: dict[str, str]) -> str | None:
    """:func:`_mounted` (the longest mount containing ``value``) by looking up ``value``'s own
    prefixes, not by comparing it with every mount: a Modelfile of thousands of container
    paths against a compose file of thousands of mounts was quadratic."""
    # The mount at ``value`` itself, else at each folder above it (``value[:cut]`` with a
    # ``/`` at ``cut``), longest first; a root mount ``/`` holds ``//x`` as _mounted says.
    cuts = [len(value)] + [i for i in range(len(value) - 1, 0, -1) if value[i] == "/"]
    for cut in cuts:
        host = by_target.get(value[:cut])
        if host is not None:
            return host + value[cut:]
    return None


def remap(found: list[Evidence], tree: Tree) -> list[Evidence]:
    """Modelfile weights named by a container path that a compose mount fills from the
    tree, made the tree path; everything else unchanged (compose files are read only when
    some Modelfile names an absolute path)."""
    if not any(_candidate(ev) for ev in found):
        return found
    mounts = compose_mounts(tree)
    by_target = {target: host for host, target in mounts}  # one host per target
    out: list[Evidence] = []
    for ev in found:
        written = _candidate(ev)
        host = _mounted_at(written, by_target) if written is not None and mounts else None
        if written is None or host is None:
            out.append(ev)
            continue
        path = posixpath.normpath(host)
        if ev.attributes.get("instruction") not in _INSTRUCTIONS:
            out.append(_in_tree(ev, path, written))
            continue
        extra: dict[str, JSON] = {
            "instruction": str(ev.attributes["instruction"]),
            "container_path": written,
        }
        if tree.get(path) is not None:
            ref = refs.Ref(
                identity.local(path),
                Role.RUNTIME_MODEL,
                EvidenceKind.OLLAMA_REF,
                {"weights_path": path, "pinned": True},
            )
        else:
            ref = localpaths.ref(path, reason="path not in the checkout")
        out.append(refs.evidence(ev.source, ref, ev.as_written, ev.location, ev.confidence, extra))
    return out


# What localpaths.ref derives from the path it is given: made again for the tree path.
_PATH_ATTRIBUTES = ("local_path", "unresolved", "pinned", "not_in_checkout", "declared")


def _in_tree(ev: Evidence, path: str, written: str) -> Evidence:
    """A config's model path inside a container that a compose mount fills from the tree
    folder ``path``: that tree folder (present in the checkout or not: gitignored weights),
    its other attributes (the key, *listed*) kept."""
    kept = {k: v for k, v in ev.attributes.items() if k not in _PATH_ATTRIBUTES}
    ref = localpaths.ref(path, {**kept, "container_path": written}, reason=None)
    return refs.evidence(ev.source, ref, ev.as_written, ev.location, ev.confidence, {})
