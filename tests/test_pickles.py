"""Pickles are scanned for what they import, opcode by opcode, and never loaded."""

from __future__ import annotations

import argparse
import bz2
import collections
import gzip
import io
import lzma
import os
import pickle
import random
import struct
import sys
import types
import zlib
from pathlib import Path

import numpy as np
import pytest

from gate.discover import pickles
from gate.discover.base import DiscoverContext
from gate.discover.pickles import machine
from gate.discover.pickles import rules as import_lists
from gate.discover.tree import Tree
from gate.discover.weights import discover


class Payload:
    """Pickles into ``os.system(<command>)``: loading it would create ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _op(name: str) -> bytes:
    return next(op.code for op in __import__("pickletools").opcodes if op.name == name).encode(
        "latin-1"
    )


def _short_str(text: str) -> bytes:
    raw = text.encode()
    return _op("SHORT_BINUNICODE") + bytes([len(raw)]) + raw


@pytest.mark.parametrize("protocol", range(6))
def test_reduce_os_system_is_reported_and_never_run(tmp_path: Path, protocol: int) -> None:
    marker = tmp_path / "pwned"
    data = pickle.dumps({"weights": [1.0, 2.0], "x": Payload(marker)}, protocol=protocol)
    scan = pickles.scan_bytes(data)
    assert scan.dangerous() == ["posix.system"]
    [risk] = scan.risks()
    assert risk["kind"] == "unsafe-pickle" and risk["severity"] == "high"
    assert "posix.system" in risk["detail"]
    assert not marker.exists()


def test_discover_reports_a_malicious_pickle_file_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(Payload(marker), protocol=4))
    (tmp_path / "legacy.bin").write_bytes(pickle.dumps(Payload(marker), protocol=2))
    tree = Tree.walk(tmp_path)
    found = {e.location.path: e for e in discover(tree, DiscoverContext())}
    assert set(found) == {"model.pkl", "legacy.bin"}
    for ev in found.values():
        assert ev.attributes["file"]["format"] == "pickle"
        assert ev.attributes["file"]["metadata"]["pickle_globals"] == ["posix.system"]
        assert [r["kind"] for r in ev.attributes["risks"]] == ["unsafe-pickle"]
    assert not marker.exists()


def test_stack_global_from_memoised_strings_is_resolved() -> None:
    # "os" and "system" are memoised, popped, fetched back with BINGET, then imported.
    data = (
        b"\x80\x04"
        + _short_str("os")
        + _op("MEMOIZE")
        + _short_str("system")
        + _op("MEMOIZE")
        + _op("POP")
        + _op("POP")
        + _op("BINGET")
        + b"\x00"
        + _op("BINGET")
        + b"\x01"
        + _op("STACK_GLOBAL")
        + _short_str("id")
        + _op("TUPLE1")
        + _op("REDUCE")
        + _op("STOP")
    )
    scan = pickles.scan_bytes(data)
    assert scan.names() == ["os.system"] and scan.dangerous() == ["os.system"]
    assert scan.problem is None


def test_memo_indexes_follow_the_unpickler_when_put_and_memoize_mix() -> None:
    # MEMOIZE stores at the memo's size (1 here, after PUT 5), as CPython does: the harmless
    # twin of a crafted pickle is loaded to show the model and the unpickler agree.
    data = (
        b"\x80\x04"
        + _short_str("collections")
        + _op("BINPUT")
        + b"\x05"
        + _short_str("OrderedDict")
        + _op("MEMOIZE")
        + _op("POP")
        + _op("POP")
        + _op("BINGET")
        + b"\x05"
        + _op("BINGET")
        + b"\x01"
        + _op("STACK_GLOBAL")
        + _op("EMPTY_TUPLE")
        + _op("REDUCE")
        + _op("STOP")
    )
    assert pickle.loads(data) == collections.OrderedDict()
    assert pickles.scan_bytes(data).names() == ["collections.OrderedDict"]


def test_memo_past_its_bound_makes_fetched_names_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(machine, "MAX_MEMO_ENTRIES", 1)
    data = (
        b"\x80\x04"
        + _short_str("os")
        + _op("MEMOIZE")
        + _short_str("system")
        + _op("MEMOIZE")
        + _op("POP")
        + _op("POP")
        + _op("BINGET")
        + b"\x00"
        + _op("BINGET")
        + b"\x01"
        + _op("STACK_GLOBAL")
        + _op("STOP")
    )
    scan = pickles.scan_bytes(data)
    assert scan.computed_imports == 1 and scan.risks()[0]["severity"] == "high"


def test_stack_global_with_a_computed_name_is_a_finding() -> None:
    # The module name is the result of a call: no static reader can know it.
    data = (
        b"\x80\x04"
        + _short_str("builtins")
        + _short_str("str")
        + _op("STACK_GLOBAL")
        + _short_str("o")
        + _op("TUPLE1")
        + _op("REDUCE")
        + _short_str("system")
        + _op("STACK_GLOBAL")
        + _op("STOP")
    )
    scan = pickles.scan_bytes(data)
    assert scan.computed_imports == 1
    assert any("computed" in r["detail"] and r["severity"] == "high" for r in scan.risks())


def test_protocol_0_global_and_inst_are_reported(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    via_global = f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()
    via_inst = f"(S'touch {marker}'\nisubprocess\ncall\n.".encode()
    py2_builtin = b"c__builtin__\neval\n(S'1'\ntR."
    assert pickles.scan_bytes(via_global).dangerous() == ["os.system"]
    assert pickles.scan_bytes(via_inst).dangerous() == ["subprocess.call"]
    assert pickles.scan_bytes(py2_builtin).dangerous() == ["__builtin__.eval"]
    assert not marker.exists()


def test_dotted_names_that_walk_to_dangerous_attributes() -> None:
    data = (
        b"\x80\x04"
        + _short_str("torch")
        + _short_str("serialization.os.system")
        + _op("STACK_GLOBAL")
        + _op("STOP")
    )
    assert pickles.scan_bytes(data).dangerous() == ["torch.serialization.os.system"]


def test_benign_checkpoints_have_no_risk() -> None:
    state = collections.OrderedDict(w=np.arange(6, dtype=np.float32).reshape(2, 3))
    for protocol in (2, 4, 5):
        scan = pickles.scan_bytes(pickle.dumps(state, protocol=protocol))
        assert scan.risks() == []
        assert "collections.OrderedDict" in scan.names()
        assert any(n.startswith("numpy") for n in scan.names())
        assert scan.dangerous() == []


def test_unknown_imports_are_a_medium_risk() -> None:
    scan = pickles.scan_bytes(pickle.dumps(collections.Counter("ab"), protocol=2))
    assert scan.unknown() == [] and scan.risks() == []
    odd = b"\x80\x02csklearn_like.models\nTree\n)\x81."
    scan = pickles.scan_bytes(odd)
    assert scan.unknown() == ["sklearn_like.models.Tree"]
    [risk] = scan.risks()
    assert risk["kind"] == "unsafe-pickle" and risk["severity"] == "medium"
    assert "sklearn_like.models.Tree" in risk["detail"] and "neither known safe" in risk["detail"]


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("torch.utils.collect_env", "run"),  # runs a shell command
        ("_posixsubprocess", "fork_exec"),
        ("torch.utils.bottleneck.__main__", "run_cprofile"),
        ("logging.config", "listen"),
        ("sklearn.utils._testing", "assert_run_python_script"),
        ("sklearn.externals.joblib", "load"),
        ("torch.storage", "_load_from_bytes"),  # torch.load of embedded bytes, unrestricted
        ("copyreg", "add_extension"),  # makes a later EXT opcode import anything
    ],
)
def test_imports_that_run_code_are_dangerous(module: str, name: str) -> None:
    scan = pickles.scan_bytes(f"c{module}\n{name}\n(S'id'\ntR.".encode())
    assert scan.dangerous() == [f"{module}.{name}"]
    assert [r["severity"] for r in scan.risks()] == ["high"]


def test_plain_objects_at_protocols_0_and_1_are_not_a_risk() -> None:
    # copyreg._reconstructor is how protocols 0 and 1 rebuild any plain object.
    for protocol in (0, 1):
        scan = pickles.scan_bytes(pickle.dumps(argparse.Namespace(a=1), protocol))
        assert "copy_reg._reconstructor" in scan.names()
        assert scan.risks() == [], protocol
    # The class it is handed is judged on its own.
    marker_cls = b"ccopy_reg\n_reconstructor\n(cos\nsystem\nc__builtin__\nobject\nNtR."
    assert pickles.scan_bytes(marker_cls).dangerous() == ["os.system"]


def test_scikit_learn_names_are_safe_only_when_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A class pickled under scikit-learn's own module and name, by the real pickler.
    module = types.ModuleType("sklearn.linear_model._logistic")
    estimator = type("LogisticRegression", (), {"__module__": module.__name__})
    setattr(module, "LogisticRegression", estimator)  # noqa: B010 - a module's attribute
    for parent in ("sklearn", "sklearn.linear_model"):
        monkeypatch.setitem(sys.modules, parent, sys.modules.get(parent, types.ModuleType(parent)))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    obj = estimator()
    obj.coef_ = np.ones((1, 3))  # type: ignore[attr-defined]
    for protocol in (2, 4, 5):
        scan = pickles.scan_bytes(pickle.dumps(obj, protocol=protocol))
        assert "sklearn.linear_model._logistic.LogisticRegression" in scan.names()
        assert scan.risks() == []
    unlisted = b"\x80\x02csklearn.utils.fixes\nsome_helper\n)R."
    assert pickles.scan_bytes(unlisted).risks()[0]["severity"] == "medium"


def test_a_dotted_name_is_not_safe_through_its_first_part() -> None:
    data = b"\x80\x04" + _short_str("numpy") + _short_str("ndarray.tofile") + _op("STACK_GLOBAL")
    scan = pickles.scan_bytes(data + _op("STOP"))
    assert scan.unknown() == ["numpy.ndarray.tofile"]
    assert [r["severity"] for r in scan.risks()] == ["medium"]


def test_import_lists_are_exact_and_their_overrides_reviewed() -> None:
    rules = pickles.import_rules()
    # Safe names that beat a whole-module dangerous rule: each one is a reviewed exception.
    overrides = sorted(
        f"{m}.{n}"
        for m, names in rules.safe.items()
        for n in names
        if import_lists._whole_module(rules.dangerous, m)
    )
    assert overrides == ["copy_reg._reconstructor", "copyreg._reconstructor"]
    with pytest.raises(ValueError, match="expected a list of names"):
        import_lists._rules_from({"sklearn": "*"}, wildcards=False)


def test_extension_registry_imports_are_flagged_medium() -> None:
    scan = pickles.scan_bytes(b"\x80\x02\x82\x07.")
    [risk] = scan.risks()
    assert risk["severity"] == "medium" and "extension registry" in risk["detail"]


def test_huge_length_claims_are_findings_not_allocations() -> None:
    claim = struct.pack("<Q", 1 << 62)
    for op in ("BINUNICODE8", "BINBYTES8", "BYTEARRAY8"):
        data = b"\x80\x05" + _op(op) + claim + b"xx"
        scan = pickles.scan_bytes(data)
        assert scan.problem is not None and scan.problem[0] == "truncated-file"
    negative = b"\x80\x02T" + struct.pack("<i", -5) + b"."
    assert pickles.scan_bytes(negative).problem[0] == "malformed-header"  # type: ignore[index]


def test_legacy_torch_layout_several_pickles_then_raw_data(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    for obj in (0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001}):
        pickle.dump(obj, buf, protocol=2)
    pickle.dump({"w": Payload(marker)}, buf, protocol=2)
    pickle.dump(["0"], buf, protocol=2)
    buf.write(struct.pack("<Q", 4) + b"\x00" * 16)  # a raw storage
    scan = pickles.scan_bytes(buf.getvalue())
    assert scan.pickles == 5 and scan.trailing_data
    assert scan.dangerous() == ["posix.system"] and scan.problem is None


def test_a_later_pickle_at_any_protocol_is_scanned(tmp_path: Path) -> None:
    # torch's legacy loader calls pickle.load five times: the second load runs this one.
    marker = tmp_path / "pwned"
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    (tmp_path / "legacy.pt").write_bytes(magic + f"cos\nsystem\n(S'touch {marker}'\ntR.".encode())
    scan = pickles.scan_file(tmp_path / "legacy.pt")
    assert scan.pickles == 2 and not scan.trailing_data
    assert scan.dangerous() == ["os.system"]
    assert [r["severity"] for r in scan.risks()] == ["high"]
    # Broken after its call: the loader has run it before it meets the damage.
    broken = magic + b"(S'x'\nisubprocess\ncall\n\xff"
    scan = pickles.scan_bytes(broken)
    assert scan.dangerous() == ["subprocess.call"]
    # torch.load reads that second pickle: that it stops here is a finding, not trailing data.
    assert scan.problem is not None and "pickle 2 of 5 cannot be read" in scan.problem[1]
    assert not marker.exists()


def test_raw_data_after_the_pickles_is_not_read_as_imports() -> None:
    head = pickle.dumps({"protocol_version": 1001}, protocol=2)
    # Bytes that parse as a few opcodes: a GLOBAL of non-names, a pop of an empty stack,
    # an extension code, then an opcode that does not exist.
    noise = b"c\xff\xfe\n\x01\x02\n" + b"0" + b"\x82\x07" + b"\x00" * 8
    scan = pickles.scan_bytes(head + noise)
    assert scan.trailing_data and scan.pickles == 1
    assert scan.names() == [] and scan.risks() == []


def test_opcode_budget_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(machine, "MAX_OPCODES", 50)
    scan = pickles.scan_bytes(pickle.dumps(list(range(200)), protocol=0))
    assert scan.problem is not None and scan.problem[0] == "oversized-header"


def test_stack_underflow_is_malformed() -> None:
    scan = pickles.scan_bytes(b"\x80\x02R.")
    assert scan.problem == ("malformed-header", "opcodes pop more than the stack holds")


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        (".joblib", gzip.compress),
        (".joblib", bz2.compress),
        (".joblib", lzma.compress),
        (".joblib", lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE)),
        (".pkl", zlib.compress),
    ],
)
def test_compressed_pickles_are_scanned(tmp_path: Path, suffix: str, compress: object) -> None:
    marker = tmp_path / "pwned"
    data = compress(pickle.dumps(Payload(marker), protocol=4))  # type: ignore[operator]
    (tmp_path / f"model{suffix}").write_bytes(data)
    [ev] = discover(Tree.walk(tmp_path), DiscoverContext())
    meta = ev.attributes["file"]["metadata"]
    assert meta["compression"] in ("gzip", "bz2", "xz", "lzma", "zlib")
    assert meta["pickle_globals"] == ["posix.system"]
    assert ev.attributes["risks"][0]["kind"] == "unsafe-pickle"
    assert not marker.exists()


def test_truncations_and_bit_flips_never_crash_or_hang(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = pickle.dumps({"a": [1, 2, "x" * 300], "b": Payload(marker)}, protocol=4)
    for cut in range(0, len(data), 3):
        scan = pickles.scan_bytes(data[:cut])
        assert scan.problem is not None or scan.pickles == 1
    rng = random.Random(2)
    for _ in range(300):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        pickles.scan_bytes(bytes(flipped))  # any outcome but an exception or a hang
    assert not marker.exists()


def test_joblib_array_whose_layout_cannot_be_read_is_a_finding_not_a_crash() -> None:
    # joblib's layout: the wrapper object, then the array's raw bytes, then more opcodes.
    # Here the wrapper's state says no shape or dtype: where the data ends is unknown.
    wrapper = (
        b"\x80\x04"
        + _short_str("joblib.numpy_pickle")
        + _short_str("NumpyArrayWrapper")
        + _op("STACK_GLOBAL")
        + _op("EMPTY_TUPLE")
        + _op("NEWOBJ")
        + _op("EMPTY_DICT")
        + _op("BUILD")
    )
    data = wrapper + b"\x0f" + b"\xff" * 15 + np.arange(8, dtype=np.float64).tobytes() + b"."
    scan = pickles.scan_bytes(data)
    [risk] = scan.risks()
    assert risk["kind"] == "malformed-header" and risk["severity"] == "high"
    assert "joblib array at byte" in risk["detail"]


# ---- the scan stops only where the unpickler would (issue 13) ----------------------------

_TORCH_MAGIC_P2 = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little") + b"."
_SYSTEM_CALL = b"cos\nsystem\n(S'touch /tmp/aigate-pwned'\ntR."


def test_an_int_in_base_0_does_not_stop_the_scan() -> None:
    # pickle's INT reads int(text, 0): `I0x10` is 16 to the loader, which goes on to the call.
    second = b"I0x10\n0" + _SYSTEM_CALL
    scan = pickles.scan_bytes(_TORCH_MAGIC_P2 + second)
    assert scan.dangerous() == ["os.system"]
    assert scan.problem is None
    assert any(r["severity"] == "high" for r in scan.risks())


def test_a_two_mebibyte_protocol_0_line_does_not_stop_the_scan() -> None:
    # The unpickler reads a line of any length; the scan steps over it to the next opcode.
    long_string = b"S'" + b"a" * (2 << 20) + b"'\n0"
    for stream in (long_string + _SYSTEM_CALL, _TORCH_MAGIC_P2 + long_string + _SYSTEM_CALL):
        scan = pickles.scan_bytes(stream)
        assert scan.dangerous() == ["os.system"], scan.problem
    long_int = b"I" + b"1" * (2 << 20) + b"\n0"
    assert pickles.scan_bytes(long_int + _SYSTEM_CALL).dangerous() == ["os.system"]
    # A GLOBAL whose name is that long imports something nobody can name: computed.
    long_global = b"c" + b"o" * (2 << 20) + b"\nsystem\n."
    scan = pickles.scan_bytes(long_global)
    assert scan.computed_imports == 1 and scan.risks()[0]["severity"] == "high"


def test_a_legacy_torch_pickle_that_does_not_parse_is_a_risk() -> None:
    # The magic says five pickles follow; the third cannot be read (an unknown opcode).
    second = b"\x80\x02M\xe9\x03."
    third = b"\x80\x02\xff" + _SYSTEM_CALL
    scan = pickles.scan_bytes(_TORCH_MAGIC_P2 + second + third)
    assert scan.problem is not None and scan.problem[0] == "malformed-header"
    assert "legacy torch.save pickle 3 of 5 cannot be read" in scan.problem[1]
    assert [r["kind"] for r in scan.risks()] == ["malformed-header"]


# ---- joblib: the arrays between the opcodes are stepped over as joblib reads them ---------

_ARRAYS = {
    "f": np.arange(12.0).reshape(3, 4),
    "i": np.arange(5, dtype=np.int32),
    "b": np.array([True, False]),
    "s": np.array(["ab", "cde"]),
    "o": np.array(["x", 1, None], dtype=object),
    "F": np.asfortranarray(np.ones((2, 3))),
    "e": np.zeros((0, 3)),
    "m": np.array(["2020-01-01"], dtype="M8[D]"),
}


def _joblib_bytes(obj: object, protocol: int, compress: int = 0) -> bytes:
    import joblib

    buf = io.BytesIO()
    joblib.dump(obj, buf, protocol=protocol, compress=compress)
    return buf.getvalue()


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_joblib_files_are_read_to_their_end(tmp_path: Path, protocol: int) -> None:
    marker = tmp_path / "pwned"
    scan = pickles.scan_bytes(_joblib_bytes(_ARRAYS, protocol))
    assert scan.problem is None and scan.pickles == 1 and scan.joblib_arrays
    assert "joblib.numpy_pickle.NumpyArrayWrapper" in scan.names()
    # A payload after the arrays is found: the scan resumes where joblib does.
    scan = pickles.scan_bytes(_joblib_bytes([_ARRAYS, Payload(marker)], protocol))
    assert scan.problem is None and scan.dangerous() == ["posix.system"]
    assert not marker.exists()


def test_joblib_compressed_file_is_read_past_its_arrays(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "model.joblib").write_bytes(
        _joblib_bytes([_ARRAYS, Payload(marker)], 4, compress=3)
    )
    [ev] = discover(Tree.walk(tmp_path), DiscoverContext())
    assert [r["kind"] for r in ev.attributes["risks"]] == ["unsafe-pickle"]
    assert not marker.exists()


def test_joblib_padding_byte_that_reads_as_stop_does_not_end_the_scan(tmp_path: Path) -> None:
    # joblib writes one byte (the padding length) and that many 0xff before an array's
    # data. A padding length of 46 is the STOP opcode to a scan that does not know the
    # layout: it would end there, and never see the call joblib goes on to load.
    marker = tmp_path / "pwned"
    data = _joblib_bytes([np.arange(4.0), Payload(marker)], 4)
    raw = np.arange(4.0).tobytes()
    data_at = data.index(raw)
    pad = data[data_at - 1 :: -1].index(next(b for b in data[data_at - 1 :: -1] if b != 0xFF))
    length_at = data_at - pad - 1
    assert data[length_at] == pad
    crafted = data[:length_at] + bytes([0x2E]) + b"\xff" * 0x2E + data[data_at:]
    scan = pickles.scan_bytes(crafted)
    assert scan.problem is None and scan.dangerous() == ["posix.system"]
    assert not marker.exists()


def test_joblib_object_array_pickle_is_scanned(tmp_path: Path) -> None:
    # An object array is a pickle of its own inside the stream (joblib's nested unpickler).
    marker = tmp_path / "pwned"
    arrays = np.array([Payload(marker), 1], dtype=object)
    scan = pickles.scan_bytes(_joblib_bytes({"o": arrays, "f": np.ones(3)}, 4))
    assert scan.problem is None and scan.dangerous() == ["posix.system"]
    assert not marker.exists()


def test_joblib_wrapper_class_passed_through_unmodelled_opcodes_is_a_finding() -> None:
    # The wrapper class put in a list and the list's BUILD: an instance may come out that
    # the scan cannot follow, so where array data ends is unknown (never guessed).
    data = (
        b"\x80\x04"
        + _op("EMPTY_LIST")
        + _op("MARK")
        + _short_str("joblib.numpy_pickle")
        + _short_str("NumpyArrayWrapper")
        + _op("STACK_GLOBAL")
        + _op("APPENDS")
        + _op("EMPTY_DICT")
        + _op("BUILD")
        + b"."
    )
    scan = pickles.scan_bytes(data)
    assert scan.problem is not None and "may be a joblib array" in scan.problem[1]
