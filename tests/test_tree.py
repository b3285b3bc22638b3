"""The tree walk: ignore files, default excludes, symlink safety, bounds, magic typing."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import GitRepo

from gate import pipeline
from gate.discover import tree as tree_mod
from gate.discover.tree import Tree, WalkOptions, sniff
from gate.errors import InputError


def _touch(root: Path, rel: str, data: bytes = b"x") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def rels(tree: Tree) -> list[str]:
    return [f.rel for f in tree.files]


def test_gitignore_nested_and_negation(git_repo: GitRepo) -> None:
    root = git_repo.root  # in a work tree, untracked files under ignored names are not read
    _touch(root, ".gitignore", b"*.bin\nbuild/\n")
    _touch(root, "a.bin")
    _touch(root, "build/out.gguf")
    _touch(root, "sub/.gitignore", b"!keep.bin\n")
    _touch(root, "sub/keep.bin")
    _touch(root, "sub/drop.bin")
    _touch(root, "src/app.py")
    files = rels(Tree.walk(root))
    assert "a.bin" not in files
    assert "build/out.gguf" not in files
    assert "sub/keep.bin" in files  # the deeper ignore file re-includes it
    assert "sub/drop.bin" not in files
    assert "src/app.py" in files


def test_aigateignore_and_extra_patterns(tmp_path: Path) -> None:
    _touch(tmp_path, ".aigateignore", b"vendor/\n")
    _touch(tmp_path, "vendor/x.py")
    _touch(tmp_path, "third/y.py")
    _touch(tmp_path, "main.py")
    files = rels(Tree.walk(tmp_path, WalkOptions(extra_ignores=("third/",))))
    assert files == [".aigateignore", "main.py"]


def test_default_excludes_and_opt_out(tmp_path: Path) -> None:
    for rel in (".git/config", ".venv/lib/x.py", "node_modules/p/i.js", "app/m.py"):
        _touch(tmp_path, rel)
    assert rels(Tree.walk(tmp_path)) == ["app/m.py"]
    everything = rels(Tree.walk(tmp_path, WalkOptions(default_excludes=False)))
    assert "node_modules/p/i.js" in everything and ".venv/lib/x.py" in everything


def test_symlink_out_of_root_is_skipped_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside, "secret.gguf", b"GGUF")
    root = tmp_path / "root"
    _touch(root, "ok.py")
    os.symlink(outside, root / "link-dir")
    os.symlink(outside / "secret.gguf", root / "link-file.gguf")
    tree = Tree.walk(root)
    assert rels(tree) == ["ok.py"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "outside" in reasons["link-dir"] and "outside" in reasons["link-file.gguf"]


def test_symlink_loops_terminate(tmp_path: Path) -> None:
    _touch(tmp_path, "a/file.py")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")  # a/loop -> a
    os.symlink("self", tmp_path / "self")  # self -> self
    tree = Tree.walk(tmp_path)
    assert rels(tree) == ["a/file.py"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "loop" in reasons["a/loop"] or "repeated" in reasons["a/loop"]
    assert "self" in reasons


def test_symlink_inside_root_is_followed(tmp_path: Path) -> None:
    _touch(tmp_path, "real/model.safetensors")
    os.symlink(tmp_path / "real" / "model.safetensors", tmp_path / "alias.safetensors")
    assert rels(Tree.walk(tmp_path)) == ["alias.safetensors", "real/model.safetensors"]


def test_depth_and_file_count_bounds(tmp_path: Path) -> None:
    deep = "/".join(f"d{i}" for i in range(10))
    _touch(tmp_path, f"{deep}/x.py")
    tree = Tree.walk(tmp_path, WalkOptions(max_depth=3))
    assert rels(tree) == []
    assert any("deeper than 3" in s.reason for s in tree.skipped)
    for i in range(20):
        _touch(tmp_path, f"many/f{i:02}.py")
    tree = Tree.walk(tmp_path, WalkOptions(max_files=5))
    assert len(tree.files) == 5
    assert any("file limit" in s.reason for s in tree.skipped)


def test_single_file_and_missing_path(tmp_path: Path) -> None:
    _touch(tmp_path, "m.gguf", b"GGUF\x03\x00\x00\x00")
    tree = Tree.walk(tmp_path / "m.gguf")
    assert rels(tree) == ["m.gguf"]
    with pytest.raises(InputError, match="no such file"):
        Tree.walk(tmp_path / "nope")


def test_magic_bytes_beat_extension(tmp_path: Path) -> None:
    _touch(tmp_path, "weights.dat", b"GGUF" + b"\0" * 2000)  # unknown extension, GGUF magic
    _touch(tmp_path, "notes.txt", b"GGUF is a format")  # text stays text
    _touch(tmp_path, "blob", b"\x89HDF\r\n\x1a\n" + b"\0" * 2000)  # no extension
    tree = Tree.walk(tmp_path)
    formats = {f.rel: f.model_format() for f in tree.files}
    assert formats == {"blob": "hdf5", "notes.txt": None, "weights.dat": "gguf"}


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"GGUF\x03\0\0\0", "x", "gguf"),
        (b"PK\x03\x04", "m.pt", "zip"),
        (b"PK\x03\x04", "a.npz", "npz"),
        (b"\x93NUMPY\x01\x00", "a.npy", "npy"),
        (b"\x1c\0\0\0TFL3", "m.tflite", "tflite"),
        ((40).to_bytes(8, "little") + b'{"a"', "m.safetensors", "safetensors"),
        (b"\x80\x04\x95", "m.pkl", "pickle"),
        (b"\x08\x07\x12", "m.onnx", "onnx"),
        (b"(dp0", "old.pkl", "pickle"),
        (b"hello", "readme", None),
    ],
)
def test_sniff(head: bytes, name: str, expected: str | None) -> None:
    assert sniff(head, name) == expected


# -- files git tracks: .gitignore never hides them (.aigateignore and --exclude still do)


def _ignored_but_tracked(repo: GitRepo) -> None:
    """aider's layout: `.aider*` ignored, its config force-added; weights under an ignored
    folder, one force-added, one not."""
    _touch(repo.root, ".gitignore", b".aider*\nmodels/\n")
    _touch(repo.root, ".aider.conf.yml", b"model: deepseek/deepseek-coder\n")
    _touch(repo.root, ".aider.chat.history.md", b"# chat\n")
    _touch(repo.root, "models/tracked/w.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    _touch(repo.root, "models/untracked.gguf", b"GGUF")
    _touch(repo.root, "models/tracked/notes.txt", b"local\n")
    _touch(repo.root, "src/app.py", b"print(1)\n")
    repo.git("add", ".gitignore", "src/app.py")
    repo.git("add", "-f", ".aider.conf.yml", "models/tracked/w.safetensors")
    repo.git("commit", "-q", "-m", "init")


def test_tracked_files_are_read_despite_gitignore(git_repo: GitRepo) -> None:
    _ignored_but_tracked(git_repo)
    tree = Tree.walk(git_repo.root)
    assert rels(tree) == [
        ".aider.conf.yml",
        ".gitignore",
        "models/tracked/w.safetensors",
        "src/app.py",
    ]
    assert tree.notes == []


def test_aigateignore_and_excludes_still_apply_to_tracked_files(git_repo: GitRepo) -> None:
    _ignored_but_tracked(git_repo)
    _touch(git_repo.root, ".aigateignore", b"models/\n")
    files = rels(Tree.walk(git_repo.root, WalkOptions(extra_ignores=(".aider.conf.yml",))))
    assert files == [".aigateignore", ".gitignore", "src/app.py"]


def test_tracked_files_in_a_scanned_subfolder(git_repo: GitRepo) -> None:
    _touch(git_repo.root, ".gitignore", b"*.gguf\n")
    _touch(git_repo.root, "svc/model.gguf", b"GGUF")
    _touch(git_repo.root, "svc/other.gguf", b"GGUF")
    _touch(git_repo.root, "svc/main.py", b"x = 1\n")
    git_repo.git("add", ".gitignore", "svc/main.py")
    git_repo.git("add", "-f", "svc/model.gguf")
    git_repo.git("commit", "-q", "-m", "init")
    # The walk reads ignore files from the scanned folder down; svc/ has its own here.
    _touch(git_repo.root, "svc/.gitignore", b"*.gguf\n")
    assert rels(Tree.walk(git_repo.root / "svc")) == [".gitignore", "main.py", "model.gguf"]


def test_without_git_gitignore_applies_to_everything_and_says_so(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ignored_but_tracked(git_repo)
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    tree = Tree.walk(git_repo.root)
    assert rels(tree) == [".gitignore", "src/app.py"]
    assert tree.notes == [
        "walk: git is not installed, so .gitignore rules were applied to every file: a file"
        " git tracks under an ignored name (added with `git add -f`) was not read"
    ]
    # The note reaches the inventory.
    scanned = pipeline.scan(pipeline.ScanOptions(root=git_repo.root, history="none"))
    assert tree.notes[0] in scanned.inventory.notes


def test_a_git_failure_falls_back_with_its_message(git_repo: GitRepo) -> None:
    _ignored_but_tracked(git_repo)
    (git_repo.root / ".git" / "index").write_bytes(b"not an index")
    tree = Tree.walk(git_repo.root)
    assert rels(tree) == [".gitignore", "src/app.py"]
    assert tree.notes[0].startswith("walk: git ls-files failed: ")
    assert "index" in tree.notes[0]


# -- outside git: no index, so no untracked file; .gitignore hides nothing


def test_outside_git_a_gitignore_hides_nothing_and_the_note_says_so(tmp_path: Path) -> None:
    # A repository export or release tarball: its .gitignore lists the app's own folder.
    _touch(tmp_path, ".gitignore", b"app/\n*.yaml\n")
    _touch(tmp_path, "app/main.py", b"x = 1\n")
    _touch(tmp_path, "configs/models/qwen.yaml", b"model: Qwen/Qwen3-8B\n")
    _touch(tmp_path, "deep/.gitignore", b"*.py\n")
    _touch(tmp_path, "deep/run.py", b"y = 2\n")
    _touch(tmp_path, "node_modules/p/i.js", b"1\n")  # the built-in skips stay
    tree = Tree.walk(tmp_path)
    assert rels(tree) == [
        ".gitignore",
        "app/main.py",
        "configs/models/qwen.yaml",
        "deep/.gitignore",
        "deep/run.py",
    ]
    assert tree.skipped == []
    assert tree.notes == [
        "walk: not a git work tree, so .gitignore rules (.gitignore, deep/.gitignore) were not"
        " applied: without a git index every file present ships, and every one was read"
    ]


def test_outside_git_a_gitignore_of_star_hides_nothing(tmp_path: Path) -> None:
    _touch(tmp_path, ".gitignore", b"*\n")
    _touch(tmp_path, "src/app.py", b"x = 1\n")
    _touch(tmp_path, "model.gguf", b"GGUF")
    assert rels(Tree.walk(tmp_path)) == [".gitignore", "model.gguf", "src/app.py"]
    # .aigateignore is aigate's own file and still applies.
    _touch(tmp_path, ".aigateignore", b"src/\n")
    assert rels(Tree.walk(tmp_path)) == [".aigateignore", ".gitignore", "model.gguf"]


def test_in_git_a_gitignore_of_star_still_hides_untracked_files(git_repo: GitRepo) -> None:
    _touch(git_repo.root, ".gitignore", b"*\n")
    _touch(git_repo.root, "src/app.py", b"x = 1\n")
    _touch(git_repo.root, "scratch.py", b"y = 2\n")
    git_repo.git("add", "-f", "src/app.py")
    git_repo.git("commit", "-q", "-m", "init")
    tree = Tree.walk(git_repo.root)
    assert rels(tree) == ["src/app.py"]
    assert tree.notes == []


def test_outside_git_an_ignored_app_folder_is_scanned(tmp_path: Path) -> None:
    _touch(tmp_path, ".gitignore", b"app/\n")
    _touch(
        tmp_path,
        "app/main.py",
        b"from transformers import AutoModel\nAutoModel.from_pretrained('Qwen/Qwen2.5-7B')\n",
    )
    scanned = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert [c.name for c in scanned.inventory.components] == ["Qwen2.5-7B"]
    assert any("were not applied" in n for n in scanned.inventory.notes)


# -- ignore files: only regular files inside the root are read, within a bound


def _walk_within(root: Path, seconds: float = 20.0) -> Tree:
    """Walk in a thread so that a walk that blocks fails the test instead of hanging it."""
    done: list[Tree | BaseException] = []

    def run() -> None:
        try:
            done.append(Tree.walk(root))
        except BaseException as exc:  # handed to the test thread
            done.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, f"the walk of {root} did not finish in {seconds} s"
    if isinstance(done[0], BaseException):
        raise done[0]
    return done[0]


def test_fifo_named_gitignore_is_skipped_not_opened(tmp_path: Path) -> None:
    GitRepo(tmp_path)  # outside git a .gitignore is never opened at all
    _touch(tmp_path, "a.py")
    _touch(tmp_path, "sub/b.py")
    os.mkfifo(tmp_path / "sub" / ".gitignore")
    tree = _walk_within(tmp_path)
    assert rels(tree) == ["a.py", "sub/b.py"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "a FIFO" in reasons["sub/.gitignore"]
    assert "patterns were not applied" in reasons["sub/.gitignore"]


def test_symlinked_ignore_files_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside, "patterns", b"*.py\n")
    root = tmp_path / "root"
    GitRepo(root)  # outside git a .gitignore is never opened at all
    _touch(root, "a.py")
    _touch(root, "sub/b.py")
    _touch(root, "sub/c.py")
    _touch(root, "sub/inside", b"c.py\n")
    os.symlink(outside / "patterns", root / ".gitignore")  # outside the root
    os.symlink("/dev/zero", root / "sub" / ".aigateignore")  # endless
    os.symlink("inside", root / "sub" / ".gitignore")  # inside, but git does not follow either
    tree = _walk_within(root)
    # No pattern of any of them applies: the scan is wider, never narrower.
    assert rels(tree) == ["a.py", "sub/.gitignore", "sub/b.py", "sub/c.py", "sub/inside"]
    for rel in (".gitignore", "sub/.aigateignore", "sub/.gitignore"):
        reasons = [s.reason for s in tree.skipped if s.path == rel]
        assert any("a symlink" in r and "not applied" in r for r in reasons), rel


def test_oversized_ignore_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tree_mod, "MAX_IGNORE_FILE", 1000)
    _touch(tmp_path, "a.py")
    _touch(tmp_path, "sub/.aigateignore", b"*.bin\n" * 200)
    with pytest.raises(InputError, match=r"sub/\.aigateignore: ignore file is larger than 1000"):
        Tree.walk(tmp_path)
    _touch(tmp_path, "sub/.aigateignore", b"*.bin\n" * 100)
    assert rels(Tree.walk(tmp_path)) == ["a.py", "sub/.aigateignore"]


def test_an_ignore_spec_answers_as_pathspec_does_with_its_one_regex_pre_check() -> None:
    # _Spec.check settles the paths no pattern matches with one alternation of the
    # patterns' regexes; every path gets the answer pathspec's check_file gives.
    import itertools

    import pathspec

    from gate.discover.tree import _Spec

    lines = [
        "# comment", "", "*.pyc", "!keep.pyc", "/build/", "docs/**/x", "**/cache", "a/*/b",
        "weights/", "!weights/keep.bin", "*.log", "tmp?", "[ab]c", "\\#lit", "spaced\\ name",
    ]  # fmt: skip
    spec = _Spec("", pathspec.GitIgnoreSpec.from_lines(lines))
    assert spec.any_match is not None
    names = ["x.pyc", "keep.pyc", "build", "docs", "x", "cache", "a", "b", "weights", "keep.bin"]
    names += ["run.log", "tmp1", "ac", "#lit", "spaced name", "other.py"]
    paths = ["/".join(p) for n in (1, 2, 3) for p in itertools.product(names[:8], repeat=n)]
    paths += names
    for path in paths:
        for candidate in (path, path + "/"):
            assert spec.check(candidate) == spec.spec.check_file(candidate).include, candidate
