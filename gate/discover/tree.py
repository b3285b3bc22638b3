"""The walk: which files of a tree are read, and what each file is.

Honours ``.gitignore`` (nested, with negations) and ``.aigateignore``, skips tool folders by
default, never follows a symlink out of the root, survives symlink loops, and bounds depth
and file count. As in git, ``.gitignore`` never hides a file git tracks (a file added with
``git add -f`` under an ignored name ships like any other); ``.aigateignore`` and extra
patterns still apply to it. Outside a git work tree (a release archive, an exported tree)
there is no index and so no untracked file: ``.gitignore`` is not applied at all, every file
present is read, and a note names the files not applied. An ignore file is read only when it
is a regular file (a symlink, as in git, or a FIFO is recorded as a skip and not applied).
A file is typed by extension and, where the extension does not settle it, by its magic
bytes. Nothing is read eagerly: ``stat`` and the first bytes are fetched on demand and
cached, so a 20,000-file source tree costs one ``scandir`` per folder (and, in a git work
tree, one ``git ls-files``).
"""

from __future__ import annotations

import os
import re
import shutil
import stat as stat_mod
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pathspec
from pathspec.util import normalize_file

from gate import files, git
from gate.errors import GitError, InputError
from gate.files import printable_name
from gate.model import Skipped

DEFAULT_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".idea",
        ".cache",
    }
)
"""Folders no release is built from; ``--no-default-excludes`` reads them too."""

IGNORE_FILES = (".gitignore", ".aigateignore")
GIT_IGNORE = ".gitignore"
"""The ignore file whose rules do not apply to files git tracks."""

# Extensions that are text for sure: never sniffed for weight magic.
_TEXT_SUFFIXES = frozenset(
    ".py .pyi .ipynb .js .mjs .cjs .jsx .ts .tsx .mts .cts .json .jsonc .yaml .yml .toml .ini"
    " .cfg .conf .env .txt .md .rst .html .htm .css .scss .xml .csv .tsv .sh .bash .zsh .go"
    " .rs .java .kt .c .h .cc .cpp .hpp .rb .php .lock .sql .svg .gitignore .dockerignore"
    " .tf .hcl .gradle .properties .bat .ps1 .r .jl .lua .swift .scala .vue .svelte".split()
)

# Extensions that name a model artefact whatever the bytes say.
WEIGHT_SUFFIXES = frozenset(
    ".safetensors .gguf .ggml .bin .pt .pth .ckpt .pkl .pickle .joblib .onnx .ort .h5 .hdf5"
    " .keras .tflite .lite .pb .mlmodel .npy .npz .msgpack .pdparams .mar .nemo .llamafile"
    " .model .tar .zip".split()
)

_HEAD_BYTES = 64
MAX_HIDDEN_ENTRIES = 200_000
"""Entries of excluded or ignored folders searched for weight files, per walk."""
EXCLUDED_WEIGHT = "weight file in a folder excluded by default"
"""How a skip of an untracked weight file in a tool folder starts (``scan.incomplete``
judges it; every other skip starting with "weight file" is ``integrity.uninspectable``)."""
MAX_IGNORE_FILE = 4 << 20
"""Bytes of one ignore file (real ones hold at most a few thousand lines)."""


def sniff(head: bytes, name: str = "") -> str | None:
    """The model-artefact format of a file from its first bytes (and name), or None.

    Magic bytes decide where a format has them; extension-only formats (ONNX, Core ML,
    raw pickles) are named by their suffix only when the bytes do not contradict it.
    """
    lower = name.lower()
    suffix = os.path.splitext(lower)[1]
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if suffix == ".npz":
            return "npz"
        if suffix == ".keras":
            return "keras"
        return "zip"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "hdf5"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if len(head) >= 8 and head[4:8] == b"TFL3":
        return "tflite"
    if len(head) >= 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") > 1:
        return "safetensors"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "pickle"
    if suffix in (".onnx", ".ort"):
        return "onnx"
    if suffix == ".mlmodel":
        return "coreml"
    if lower.endswith("saved_model.pb") or lower.endswith("saved_model.pbtxt"):
        return "tf-savedmodel"
    if suffix in (".pkl", ".pickle", ".joblib", ".ckpt", ".pt", ".pth", ".bin") and head[:1] in (
        b"(",
        b"]",
        b"}",
        b"c",
    ):
        # Pickle protocols 0/1 have no header; their first opcode is one of these.
        return "pickle"
    if suffix == ".safetensors":
        return "safetensors"  # header claims are checked (and reported) by the parser
    if suffix == ".gguf":
        return "gguf"
    return None


@dataclass(slots=True)
class TreeFile:
    """One file of the tree; ``stat`` and the head are read once, on demand."""

    abspath: str | Path
    """Absolute path as walked (may be a symlink inside the root)."""
    rel: str
    """POSIX path relative to the root; the file name for a single-file scan."""
    _stat: os.stat_result | None = field(default=None, repr=False)
    _head: bytes | None = field(default=None, repr=False)
    _name: str | None = field(default=None, repr=False, compare=False)
    _suffix: str | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> Path:
        """The absolute path as a Path (built on demand: most files never need one)."""
        return Path(self.abspath)

    @property
    def name(self) -> str:
        """The base name (cached: every source filters every file by name or suffix)."""
        if self._name is None:
            self._name = os.path.basename(self.abspath)
        return self._name

    @property
    def suffix(self) -> str:
        """The lower-cased extension, with its dot (cached, as ``name``)."""
        if self._suffix is None:
            self._suffix = os.path.splitext(self.name)[1].lower()
        return self._suffix

    def stat(self) -> os.stat_result:
        """The file's ``stat`` (through symlinks), cached."""
        if self._stat is None:
            self._stat = os.stat(self.abspath)
        return self._stat

    @property
    def size(self) -> int:
        """Size in bytes."""
        return self.stat().st_size

    def head(self) -> bytes:
        """The first bytes of the file (for magic-byte typing), cached."""
        if self._head is None:
            with open(self.abspath, "rb") as fh:
                self._head = fh.read(_HEAD_BYTES)
        return self._head

    def model_format(self) -> str | None:
        """The artefact format (``gguf``, ``safetensors``, ...) or None for other files."""
        if self.suffix in _TEXT_SUFFIXES:
            return None
        if self.suffix not in WEIGHT_SUFFIXES and self.suffix != "":
            # Unknown extension: sniff only when the file is big enough to matter.
            try:
                if self.size < 1024:
                    return None
            except OSError:
                return None
        try:
            return sniff(self.head(), self.name)
        except OSError:
            return None


@dataclass(frozen=True, slots=True)
class WalkOptions:
    """Bounds and switches for the walk."""

    max_files: int = 250_000
    max_depth: int = 64
    default_excludes: bool = True
    extra_ignores: tuple[str, ...] = ()
    """Further gitignore-style patterns (from the command line or a config)."""


@dataclass(slots=True)
class _Spec:
    base: str  # POSIX dir relative to root, "" for the root
    spec: pathspec.GitIgnoreSpec
    git: bool = False  # from a .gitignore: silent on files git tracks
    any_match: re.Pattern[str] | None = field(default=None, init=False)
    """One regex that matches where any of the spec's patterns does (None: not built)."""

    def __post_init__(self) -> None:
        self.any_match = _any_match(self.spec)

    def check(self, path: str) -> bool | None:
        """``spec.check_file(path).include``: a path no pattern matches (most of a tree) is
        told by one regex search instead of one per pattern (a third of the walk)."""
        if self.any_match is not None and self.any_match.search(normalize_file(path)) is None:
            return None
        return self.spec.check_file(path).include


_NAMED_GROUP = re.compile(r"(?<!\\)((?:\\\\)*)\(\?P<\w+>")


def _any_match(spec: pathspec.GitIgnoreSpec) -> re.Pattern[str] | None:
    """The alternation of the spec's patterns that take part in matching (those with an
    ``include``), named groups unnamed (a name may appear once in a regex). None when a
    pattern is not a plain ``str`` regex of the default flags, when there is none, or when
    the alternation does not compile: the spec then checks each pattern as before."""
    parts: list[str] = []
    for pattern in spec.patterns:
        if pattern.include is None:
            continue
        regex = getattr(pattern, "regex", None)
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        if regex.flags != re.UNICODE or "(?P=" in regex.pattern:
            return None
        parts.append("(?:" + _NAMED_GROUP.sub(r"\1(?:", regex.pattern) + ")")
    if not parts:
        return None
    try:
        return re.compile("|".join(parts))
    except re.error:
        return None


@dataclass(frozen=True, slots=True)
class _Tracked:
    """What git tracks under the root: files, and every folder that holds one."""

    files: frozenset[str]
    folders: frozenset[str]

    @classmethod
    def of(cls, paths: Sequence[str]) -> _Tracked:
        folders: set[str] = set()
        for path in paths:
            cut = path.rfind("/")
            while cut > 0:
                folder = path[:cut]
                if folder in folders:
                    break  # its parents are in already
                folders.add(folder)
                cut = path.rfind("/", 0, cut)
        return cls(frozenset(paths), frozenset(folders))


def _in_work_tree(root: Path) -> bool:
    return any((p / ".git").exists() for p in (root, *root.parents))


def tracked_files(root: Path) -> tuple[_Tracked | None, str | None]:
    """The files git tracks under ``root`` (relative POSIX paths), or None and why not.

    One ``git ls-files -z`` run in aigate's scrubbed git environment, only when ``root`` is
    inside a work tree. The reason is None when there is simply no work tree (plain ignore
    semantics are then git's own); otherwise it says why git could not be asked.
    """
    if not _in_work_tree(root):
        return None, None
    if shutil.which("git") is None:
        return None, "git is not installed"
    try:
        done = git.run(root, "ls-files", "-z", "--cached")
    except GitError as exc:
        return None, f"git could not run: {exc}"
    if done.returncode != 0:
        message = os.fsdecode(done.stderr).strip().splitlines()
        first = message[0] if message else f"exit status {done.returncode}"
        lowered = first.lower()
        if "not a git repository" in lowered or "must be run in a work tree" in lowered:
            return None, None
        return None, f"git ls-files failed: {first}"
    paths = [os.fsdecode(p) for p in done.stdout.split(b"\0") if p]
    return _Tracked.of(paths), None


class Tree:
    """A walked tree: its files (sorted), and what was skipped and why."""

    def __init__(
        self,
        root: Path,
        files: Sequence[TreeFile],
        skipped: Sequence[Skipped],
        notes: Sequence[str] = (),
    ) -> None:
        self.root = root
        for tf in files:
            # A name that is not UTF-8 is escaped (``\xff``) once, here: every report, BOM
            # and cache after this can write it. The file is still read by its real path.
            tf.rel = printable_name(tf.rel)
        self.files: tuple[TreeFile, ...] = tuple(files)
        self.skipped: list[Skipped] = [
            replace(s, path=printable_name(s.path)) if not s.path.isascii() else s for s in skipped
        ]
        self.notes: list[str] = list(notes)
        """Sentences about how the tree was walked (for the inventory's notes)."""
        self._by_rel = {f.rel: f for f in self.files}

    def get(self, rel: str) -> TreeFile | None:
        """The file at a POSIX path relative to the root."""
        return self._by_rel.get(rel)

    def skip(self, path: str, reason: str) -> None:
        """Record that a file could not be read (it shows in the inventory)."""
        self.skipped.append(Skipped(printable_name(path), reason))

    def read_text(self, tf: TreeFile, limit: int, *, too_big: str | None = None) -> str | None:
        """A file of the tree as text, or None with the reason recorded as a skip (see
        :func:`gate.files.read_text_or_skip`)."""
        return files.read_text_or_skip(
            tf.abspath, limit, lambda why: self.skip(tf.rel, why), too_big=too_big
        )

    @classmethod
    def walk(cls, root: Path, options: WalkOptions | None = None) -> Tree:
        """Walk a directory (a source tree or a build output) or take a single file."""
        opts = options or WalkOptions()
        try:
            root_stat = root.stat()
        except FileNotFoundError as exc:
            raise InputError(root, "no such file or directory") from exc
        except OSError as exc:
            raise InputError(root, f"cannot read: {exc.strerror}") from exc
        if stat_mod.S_ISREG(root_stat.st_mode):
            resolved = root.resolve()
            return cls(resolved.parent, [TreeFile(str(resolved), resolved.name)], [])
        if not stat_mod.S_ISDIR(root_stat.st_mode):
            raise InputError(root, "not a regular file or directory")
        return _Walker(root.resolve(), opts).run()


class _Walker:
    def __init__(self, root: Path, opts: WalkOptions) -> None:
        self.root = root
        self.opts = opts
        self.files: list[TreeFile] = []
        self.skipped: list[Skipped] = []
        self.seen_dirs: set[tuple[int, int]] = set()
        self.truncated = False
        base_lines = list(opts.extra_ignores)
        self.base_specs: list[_Spec] = (
            [_Spec("", pathspec.GitIgnoreSpec.from_lines(base_lines))] if base_lines else []
        )
        self.notes: list[str] = []
        self.tracked: _Tracked | None = None
        self.git_rules = True
        """Whether ``.gitignore`` files are ignore files: only inside a git work tree."""
        self.unapplied: list[str] = []
        """The ``.gitignore`` files not applied (outside git), for the note."""
        self.hidden_budget = MAX_HIDDEN_ENTRIES
        self.hidden_capped = False

    def run(self) -> Tree:
        root_stat = self.root.stat()
        self.seen_dirs.add((root_stat.st_dev, root_stat.st_ino))
        self.tracked, problem = tracked_files(self.root)
        if problem:
            self.notes.append(
                f"walk: {problem}, so .gitignore rules were applied to every file: a file git"
                " tracks under an ignored name (added with `git add -f`) was not read"
            )
        # Outside git there is no index, so no file is "untracked": what the folder holds
        # is what ships (a release archive, an exported tree), and a .gitignore in it,
        # written by whoever built it, must not choose what the gate reads.
        self.git_rules = self.tracked is not None or problem is not None
        self._walk_dir(self.root, "", self.base_specs, 0, pruned=False)
        if self.unapplied:
            shown = ", ".join(self.unapplied[:3])
            more = f" and {len(self.unapplied) - 3} more" if len(self.unapplied) > 3 else ""
            self.notes.append(
                f"walk: not a git work tree, so .gitignore rules ({shown}{more}) were not"
                " applied: without a git index every file present ships, and every one was read"
            )
        self.files.sort(key=lambda f: f.rel)
        self.skipped.sort(key=lambda s: s.path)
        return Tree(self.root, self.files, self.skipped, self.notes)

    def _ignored(self, rel: str, is_dir: bool, specs: list[_Spec], tracked: bool = False) -> bool:
        return self._ignored_by(rel, is_dir, specs, tracked) is not None

    def _ignored_by(
        self, rel: str, is_dir: bool, specs: list[_Spec], tracked: bool = False
    ) -> _Spec | None:
        # The deepest ignore file with an opinion wins, as in git; .gitignore files have
        # none on what git tracks.
        for spec in reversed(specs):
            if tracked and spec.git:
                continue
            sub = rel[len(spec.base) + 1 :] if spec.base else rel
            include = spec.check(sub + "/" if is_dir else sub)
            if include is not None:
                return spec if include else None
        return None

    def _hidden_weights(self, path: str, rel: str, reason: str, depth: int) -> None:
        """Record the weight files under a folder the walk does not read (a tool folder, or
        one an ignore file hides): weight files are never skipped without a record."""
        if depth > self.opts.max_depth or self.hidden_budget <= 0:
            if self.hidden_budget <= 0 and not self.hidden_capped:
                self.hidden_capped = True
                self.skipped.append(
                    Skipped(rel, f"not searched for weight files past {MAX_HIDDEN_ENTRIES} entries")
                )
            return
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            self.hidden_budget -= 1
            child = f"{rel}/{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in (".git", ".hg", ".svn"):
                        self._hidden_weights(entry.path, child, reason, depth + 1)
                elif os.path.splitext(entry.name)[1].lower() in WEIGHT_SUFFIXES and entry.is_file():
                    self.skipped.append(Skipped(child, reason))
            except OSError:
                continue

    def _tracked_hidden_weights(self, rel: str, reason: str) -> None:
        """Record the weight files git tracks under a folder the walk does not read."""
        assert self.tracked is not None
        prefix = rel + "/"
        for path in sorted(self.tracked.files):
            if path.startswith(prefix) and os.path.splitext(path)[1].lower() in WEIGHT_SUFFIXES:
                self.skipped.append(Skipped(path, reason))

    def _record_hidden(self, entry: os.DirEntry[str], rel: str, is_dir: bool, why: str) -> None:
        reason = f"weight file {why}, not read"
        if is_dir:
            self._hidden_weights(entry.path, rel, reason, 0)
        elif os.path.splitext(entry.name)[1].lower() in WEIGHT_SUFFIXES:
            self.skipped.append(Skipped(rel, reason))

    def _load_specs(self, dir_path: Path, rel: str, names: set[str]) -> list[_Spec]:
        found: list[_Spec] = []
        for ignore_name in IGNORE_FILES:
            if ignore_name not in names:
                continue
            where = f"{rel}/{ignore_name}" if rel else ignore_name
            if ignore_name == GIT_IGNORE and not self.git_rules:
                self.unapplied.append(where)
                continue
            lines = self._read_ignore_file(dir_path / ignore_name, where)
            if lines is None:
                continue
            try:
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except ValueError as exc:
                # A broken ignore file must not widen or narrow the scan silently.
                raise InputError(where, f"cannot use ignore file: {exc}") from exc
            found.append(_Spec(rel, spec, git=ignore_name == GIT_IGNORE))
        return found

    def _read_ignore_file(self, path: Path, where: str) -> list[str] | None:
        """The lines of an ignore file, or None when it is not one (recorded as a skip).

        Only a regular file is an ignore file. As git does, a symlinked one is not followed
        (it could name ``/dev/zero`` or a file outside the root), and neither a FIFO nor a
        device is opened for reading (one would block the walk, the other never end). Not
        applying such a file makes the scan wider, never narrower, and the skip says so. A
        regular ignore file that cannot be read, or is too large to be one, is an error:
        the walk cannot honour what it asks.
        """
        try:
            st = os.lstat(path)
        except OSError as exc:
            raise InputError(where, f"cannot use ignore file: {exc.strerror}") from exc
        if not stat_mod.S_ISREG(st.st_mode):
            kind = _file_kind(st.st_mode)
            self.skipped.append(
                Skipped(
                    where,
                    f"ignore file is {kind}: only a regular file is read, so its"
                    " patterns were not applied",
                )
            )
            return None
        try:
            # O_NOFOLLOW and O_NONBLOCK: the file must still be the regular file lstat saw
            # when it is opened (a swap to a symlink or a FIFO fails instead of hanging).
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            raise InputError(where, f"cannot use ignore file: {exc.strerror}") from exc
        with os.fdopen(fd, "rb") as fh:
            if not stat_mod.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError(where, "cannot use ignore file: it changed while being read")
            try:
                data = fh.read(MAX_IGNORE_FILE + 1)
            except OSError as exc:
                raise InputError(where, f"cannot use ignore file: {exc.strerror}") from exc
        if len(data) > MAX_IGNORE_FILE:
            raise InputError(
                where,
                f"ignore file is larger than {MAX_IGNORE_FILE} bytes: too large to be a list of"
                " patterns",
                hint="shorten it, or exclude its folder with --exclude",
            )
        return data.decode("utf-8", errors="replace").splitlines()

    def _walk_dir(
        self, dir_path: Path, rel: str, specs: list[_Spec], depth: int, *, pruned: bool
    ) -> None:
        """Walk a folder; ``pruned`` when .gitignore ignores it and only tracked files count."""
        if depth > self.opts.max_depth:
            self.skipped.append(Skipped(rel, f"deeper than {self.opts.max_depth} folders"))
            return
        try:
            with os.scandir(dir_path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.skipped.append(Skipped(rel or ".", f"cannot list folder: {exc.strerror}"))
            return
        names = {e.name for e in entries}
        local_specs = specs + self._load_specs(dir_path, rel, names)
        tracked = self.tracked
        for entry in entries:
            if self.truncated:
                return
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError:
                self.skipped.append(Skipped(child_rel, "cannot stat"))
                continue
            if is_dir and self.opts.default_excludes and entry.name in DEFAULT_SKIP_DIRS:
                where = f"({entry.name}/); --no-default-excludes reads it"
                if tracked is not None:
                    # What git tracks there ships with the release (most such folders,
                    # __pycache__ and the like, hold nothing git tracks: no look-up).
                    if child_rel in tracked.folders:
                        self._tracked_hidden_weights(
                            child_rel,
                            f"weight file git tracks, in a folder excluded by default {where}",
                        )
                elif entry.name not in (".git", ".hg", ".svn") and not is_link:
                    self._hidden_weights(entry.path, child_rel, f"{EXCLUDED_WEIGHT} {where}", 0)
                continue
            held = tracked is not None and (
                child_rel in tracked.folders if is_dir else child_rel in tracked.files
            )
            child_pruned = False
            if held:
                if self._ignored(child_rel, is_dir, local_specs, tracked=True):
                    continue
                # An ignored folder is entered for its tracked files only, as git sees it.
                child_pruned = is_dir and (pruned or self._ignored(child_rel, True, local_specs))
            elif pruned:
                continue
            elif (spec := self._ignored_by(child_rel, is_dir, local_specs)) is not None:
                if tracked is None and (spec.git or spec.base) and not is_link:
                    # Without git's file list (outside git: a nested .aigateignore; in a
                    # work tree git could not list: a .gitignore too), an ignore file in the
                    # tree decides what is read: the weight files it hides are recorded (the
                    # root .aigateignore and --exclude are the user's own choice).
                    name = GIT_IGNORE if spec.git else ".aigateignore"
                    where = f"{spec.base}/{name}" if spec.base else name
                    self._record_hidden(entry, child_rel, is_dir, f"hidden by {where} outside git")
                continue
            if is_link:
                problem = self._link_problem(Path(entry.path))
                if problem:
                    self.skipped.append(Skipped(child_rel, problem))
                    continue
            if is_dir:
                try:
                    st = os.stat(entry.path)
                except OSError:
                    self.skipped.append(Skipped(child_rel, "cannot stat"))
                    continue
                key = (st.st_dev, st.st_ino)
                if key in self.seen_dirs:
                    self.skipped.append(Skipped(child_rel, "symlink loop or repeated folder"))
                    continue
                self.seen_dirs.add(key)
                self._walk_dir(
                    Path(entry.path), child_rel, local_specs, depth + 1, pruned=child_pruned
                )
            elif is_file:
                if len(self.files) >= self.opts.max_files:
                    self.truncated = True
                    self.skipped.append(
                        Skipped(child_rel, f"file limit of {self.opts.max_files} reached")
                    )
                    return
                self.files.append(TreeFile(entry.path, child_rel))
            # sockets, fifos, devices: never opened

    def _link_problem(self, path: Path) -> str | None:
        """Why a symlink is not followed, or None when it stays inside the root."""
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return "symlink loop"
        except OSError:
            return "broken or looping symlink"
        if target != self.root and self.root not in target.parents:
            return "symlink points outside the scanned root"
        return None


def _file_kind(mode: int) -> str:
    if stat_mod.S_ISLNK(mode):
        return "a symlink"
    if stat_mod.S_ISDIR(mode):
        return "a folder"
    if stat_mod.S_ISFIFO(mode):
        return "a FIFO"
    if stat_mod.S_ISSOCK(mode):
        return "a socket"
    if stat_mod.S_ISCHR(mode) or stat_mod.S_ISBLK(mode):
        return "a device"
    return "a special file"
