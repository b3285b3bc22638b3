"""One bounded read for scanned files: a file that cannot be read is a recorded reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gate import files
from gate.errors import InputError


def read(path: Path, limit: int = 10, **kw: str) -> tuple[str | None, list[str]]:
    reasons: list[str] = []
    return files.read_text_or_skip(path, limit, reasons.append, **kw), reasons


def test_a_small_file_is_read_as_text_with_bad_bytes_replaced(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"ok \xff")
    assert read(path) == ("ok \ufffd", [])
    path.write_bytes(b"0123456789")  # exactly the limit
    assert read(path) == ("0123456789", [])


def test_too_big_missing_and_folder_are_reasons(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 11)
    assert read(path) == (None, ["larger than 10 bytes: not read"])
    assert read(path, too_big="config larger than 10 bytes") == (
        None,
        ["config larger than 10 bytes"],
    )
    text, reasons = read(tmp_path / "absent.txt")
    assert text is None and reasons[0].startswith("cannot read: ")
    text, reasons = read(tmp_path)
    assert text is None and "a folder" in reasons[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_a_reason_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text, reasons = read(fifo)
    assert text is None and "FIFO" in reasons[0]


def test_read_bounded_reads_up_to_the_limit_and_names_a_bigger_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(b"0123456789")  # exactly the limit
    assert files.read_bounded(path, 10) == b"0123456789"
    path.write_bytes(b"0123456789A")
    with pytest.raises(InputError, match="is 11 bytes, more than the 10 bytes") as err:
        files.read_bounded(path, 10, display="shown.yaml")
    assert "shown.yaml" in str(err.value)
