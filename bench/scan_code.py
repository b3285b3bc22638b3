"""Discovery over a 20,000-file source tree, against ripgrep searching it for the call names.

Builds (once, under bench/_data/) a tree that looks like a real monorepo: Python services
and scripts, TypeScript/React front ends, configs and docs, about 1% of the files calling
a model SDK and about 1% mentioning model-ish names without calling anything. Then, with a
warm page cache, times `rg -l -F` for the same needles aigate's pre-filter uses and aigate's
whole discovery stage (walk + every source), best of three each, and prints the ratio.

    python bench/scan_code.py [--files 20000] [--rg PATH] [--git]

``--git`` commits the tree to a git repository first (once), so the walk asks git which
files it tracks (one ``git ls-files``) and the assistants source reads the history.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from gate.discover import configs, javascript, python, scanning
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.pipeline import discover

HERE = Path(__file__).resolve().parent
VERSION = "5"

_WORDS = (
    "account order invoice user session cache report metric event queue worker payment"
    " customer product stock price ledger audit token config router handler service store"
    " record batch schedule notify export import parse render widget layout table chart"
).split()

_PY_PLAIN = '''"""{doc} helpers for the {a} {b} service."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)
DEFAULT_{A}_LIMIT = {n}


@dataclass
class {A}{B}:
    """A {a} {b} record."""

    id: int
    name: str
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {{"id": self.id, "name": self.name, "tags": list(self.tags)}}


def load_{a}(path: str) -> list[{A}{B}]:
    with open(path, encoding="utf-8") as fh:
        rows = json.load(fh)
    out = []
    for row in rows[:DEFAULT_{A}_LIMIT]:
        out.append({A}{B}(row["id"], row["name"], row.get("tags", [])))
    log.info("loaded %d {a} rows", len(out))
    return out


def summarise_{b}(items: list[{A}{B}]) -> dict[str, int]:
    counts: dict[str, int] = {{}}
    for item in items:
        for tag in item.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return dict(sorted(counts.items()))
'''

_PY_DJANGO = '''from django.db import models


class {A}(models.Model):
    """Django model: mentions "model" a lot and names no ML model."""

    name = models.CharField(max_length={n})
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "{a}"


def {a}_model_name() -> str:
    return {A}._meta.model_name
'''

_PY_AI = (
    """from openai import OpenAI

client = OpenAI(base_url="https://api.deepseek.com")


def ask_{a}(q: str) -> str:
    r = client.chat.completions.create(
        model="deepseek-chat", messages=[{{"role": "user", "content": q}}]
    )
    return r.choices[0].message.content or ""
""",
    """import os
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_ID = os.getenv("{A}_MODEL", "Qwen/Qwen2.5-{n}B-Instruct")
tok = AutoTokenizer.from_pretrained(MODEL_ID)
model = AutoModelForCausalLM.from_pretrained(MODEL_ID, torch_dtype="auto")
""",
    """import anthropic

def review_{a}(text: str) -> str:
    c = anthropic.Anthropic()
    m = c.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=512,
        messages=[{{"role": "user", "content": text}}],
    )
    return m.content[0].text
""",
    """from langchain_openai import ChatOpenAI
from langchain_community.embeddings import HuggingFaceEmbeddings

llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)
emb = HuggingFaceEmbeddings(model_name="BAAI/bge-small-en-v1.5")
""",
    """import litellm

def route_{a}(prompt):
    return litellm.completion(
        model="dashscope/qwen-max", messages=[{{"role": "user", "content": prompt}}]
    )
""",
)

# Files that pass the byte pre-filter and name no model, as most candidates of real
# repositories do (on diffusers 81% of Python files pass it, on vercel/ai 66% of JS/TS):
# training code that passes a `model` around, a library importing an SDK for its types.
_PY_MODELISH = '''"""Training loop for the {a} {b} experiment."""

import logging

log = logging.getLogger(__name__)


class {A}Trainer:
    def __init__(self, model, optimizer, steps: int = {n}) -> None:
        self.model = model
        self.optimizer = optimizer
        self.steps = steps

    def fit(self, batches):
        self.model.train()
        for step, batch in enumerate(batches):
            loss = self.model(batch).loss
            loss.backward()
            self.optimizer.step()
            if step >= self.steps:
                break
        log.info("trained %s for %d steps", type(self.model).__name__, self.steps)
        return self.model
'''

_PY_SDK_TYPES = """from __future__ import annotations

from transformers import PreTrainedModel, PretrainedConfig


class {A}Config(PretrainedConfig):
    model_type = "{a}"

    def __init__(self, hidden: int = {n}, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hidden = hidden


class {A}Model(PreTrainedModel):
    config_class = {A}Config

    def forward(self, x):
        return x * self.config.hidden
"""

_TS_MODELISH = """import {{ useState }} from "react";

type {A}Option = {{ id: string; model: string; label: string }};

export function {A}Picker(props: {{ options: {A}Option[] }}) {{
  const [model, setModel] = useState(props.options[0]?.model ?? "");
  return (
    <select value={{model}} onChange={{(e) => setModel(e.target.value)}}>
      {{props.options.map((o) => <option key={{o.id}} value={{o.model}}>{{o.label}}</option>)}}
    </select>
  );
}}
"""

_TS_PLAIN = """import React, {{ useState }} from "react";

export interface {A}Props {{
  id: number;
  label: string;
}}

export function {A}{B}(props: {A}Props) {{
  const [open, setOpen] = useState(false);
  const items = Array.from({{ length: {n} }}, (_, i) => `${{props.label}}-${{i}}`);
  return (
    <div className="{a}-{b}" onClick={{() => setOpen(!open)}}>
      {{open ? items.map((x) => <span key={{x}}>{{x}}</span>) : props.label}}
    </div>
  );
}}
"""

_TS_AI = (
    """import OpenAI from "openai";
const client = new OpenAI({{ baseURL: "https://api.moonshot.cn/v1" }});
export async function ask{A}(q: string) {{
  const r = await client.chat.completions.create({{
    model: "moonshot-v1-8k",
    messages: [{{ role: "user", content: q }}],
  }});
  return r.choices[0].message.content;
}}
""",
    """import {{ generateText }} from "ai";
import {{ openai }} from "@ai-sdk/openai";
export const run{A} = (prompt: string) => generateText({{ model: openai("gpt-4o"), prompt }});
""",
)

_YAML = """# {a} deployment settings
name: {a}-{b}
replicas: {n}
resources:
  limits: {{cpu: "500m", memory: "512Mi"}}
features:
  - {a}
  - {b}
"""

_YAML_AI = """llm:
  provider: ollama
  model: llama3.1:8b
embedding:
  model: BAAI/bge-m3
"""

_MD = "# {A} {B}\n\nThis document explains the {a} {b} flow. Models are reviewed monthly.\n"


def _fill(template: str, rng: random.Random) -> str:
    a, b = rng.sample(_WORDS, 2)
    return template.format(
        a=a, b=b, A=a.capitalize(), B=b.capitalize(), n=rng.randint(3, 99), doc=a
    )


def build(root: Path, count: int, seed: int = 7) -> None:
    """Write the tree (skipped when a tree of the same parameters is already there)."""
    stamp = root / ".stamp"
    key = hashlib.sha256(f"{VERSION}:{count}:{seed}".encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == key:
        return
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    for i in range(count):
        pkg = root / f"pkg{i % 40:02d}" / f"mod{(i // 40) % 25:02d}"
        roll = rng.random()
        if roll < 0.45:
            ai = rng.random() < 0.02
            kind = rng.random()
            if ai:
                body = _fill(rng.choice(_PY_AI), rng)
            elif kind < 0.03:
                body = _fill(_PY_DJANGO, rng)
            elif kind < 0.10:
                body = _fill(_PY_SDK_TYPES, rng)
            elif kind < 0.60:
                body = _fill(_PY_MODELISH, rng)
            else:
                body = "\n".join(_fill(_PY_PLAIN, rng) for _ in range(rng.randint(1, 4)))
            path = pkg / f"file{i}.py"
        elif roll < 0.75:
            ai = rng.random() < 0.015
            if ai:
                body = _fill(rng.choice(_TS_AI), rng)
            elif rng.random() < 0.5:
                body = _fill(_TS_MODELISH, rng)
            else:
                body = "\n".join(_fill(_TS_PLAIN, rng) for _ in range(rng.randint(1, 3)))
            path = pkg / f"file{i}.{rng.choice(['ts', 'tsx', 'js'])}"
        elif roll < 0.90:
            body = _fill(_YAML_AI if rng.random() < 0.01 else _YAML, rng)
            path = pkg / f"conf{i}.yaml"
        else:
            body = _fill(_MD, rng) * rng.randint(1, 20)
            path = pkg / f"doc{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    stamp.write_text(key)


def needles() -> list[str]:
    words = {n.decode() for n in python.needles()} | {n.decode() for n in javascript.needles()}
    words |= {n.decode() for n in (w.encode() for w in configs._NEEDLES)}
    return sorted(words)


def candidate_share(root: Path) -> str:
    """How many files of each language pass the byte pre-filter (real repositories: 30-80%)
    and how many of those the Python and JS/TS front ends go on to parse."""
    tree = Tree.walk(root)
    parts = []
    for label, front in (("Python", python), ("JS/TS", javascript)):
        files = [f for f in tree.files if f.suffix in front.SUFFIXES]
        data = [Path(f.abspath).read_bytes() for f in files]
        passed = [d for d in data if scanning.matches(d, front.needles())]
        parsed = sum(1 for d in passed if _parses(front, d))
        share = len(passed) / max(1, len(files))
        parts.append(f"{label} {len(passed)}/{len(files)} pass the pre-filter ({share:.0%}),")
        parts.append(f"{parsed} parsed;")
    return "candidates: " + " ".join(parts)


def _parses(front: object, data: bytes) -> bool:
    if front is python:
        return python.worth_parsing(data)
    return javascript.worth_parsing(data)


def find_rg(explicit: str | None) -> str:
    for candidate in (explicit, shutil.which("rg"), str(Path(sys.executable).parent / "rg")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("rg not found: `make bench` installs it (pip ripgrep wheel, or apt)")


def best_of(n: int, fn: object) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best, result


def commit_all(root: Path) -> None:
    """Make the tree a git repository with everything committed (once per built tree)."""
    stamp = root / ".stamp"
    marker = root / ".git" / "aigate-bench"
    if marker.exists() and marker.read_text() == stamp.read_text():
        return
    shutil.rmtree(root / ".git", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run(["git", *cmd], cwd=root, env=env, check=True)
    marker.write_text(stamp.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--rg", default=None)
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--git", action="store_true", help="commit the tree to git first")
    args = parser.parse_args()
    if args.root is None:
        args.root = HERE / "_data" / ("code20k-git" if args.git else "code20k")
    build(args.root, args.files)
    if args.git:
        commit_all(args.root)
    rg = find_rg(args.rg)
    pattern_args = [arg for n in needles() for arg in ("-e", n)]
    command = [rg, "-l", "-F", "--no-messages", *pattern_args, str(args.root)]

    def run_rg() -> int:
        proc = subprocess.run(command, capture_output=True, check=False)
        return len(proc.stdout.splitlines())

    def run_aigate() -> int:
        tree = Tree.walk(args.root)
        return len(discover(tree, DiscoverContext()))

    def run_walk() -> int:
        return len(Tree.walk(args.root).files)

    share = candidate_share(args.root)
    run_rg()  # warm the page cache and rg itself
    run_aigate()
    rg_time, rg_hits = best_of(3, run_rg)
    walk_time, walked = best_of(3, run_walk)
    ai_time, ai_found = best_of(3, run_aigate)
    git = " (a git work tree: tracked files from one git ls-files)" if args.git else ""
    print(
        f"tree: {args.root}{git}, {walked} files, {len(needles())} needles, {os.cpu_count()} cores"
    )
    print(f"rg -l -F (same needles): {rg_time:.3f} s, {rg_hits} files match")
    print(share)
    print(f"aigate walk alone: {walk_time:.3f} s")
    print(f"aigate discovery (walk + all sources): {ai_time:.3f} s, {ai_found} evidence")
    print(f"ratio aigate / rg: {ai_time / rg_time:.1f}x (target <= 5x)")


if __name__ == "__main__":
    main()
