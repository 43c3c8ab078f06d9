"""One wording for the same file problem, whichever option names the file. Each input-file
message is what follows ``FILE: ``."""

from __future__ import annotations

from pathlib import Path


def no_such_file(option: str) -> str:
    """An input file that is not there: ``run.npz: no such file; check the path (--load)``."""
    return f"no such file; check the path ({option})"


def not_utf8(raw: bytes, err: UnicodeDecodeError) -> str:
    """A text file that is not UTF-8: which byte, where, and what to do."""
    return f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); save the file as UTF-8"


def no_such_directory(path: str | Path, directory: str | Path) -> str:
    """An output file whose directory is not there: the whole line."""
    return f"cannot write {path}: the directory {directory} does not exist; create it first"


def cannot_write(path: str | Path, err: OSError, way_out: str) -> str:
    """An output file that could not be written: the whole line, naming ``path`` (not the
    temporary file an atomic write was using) and the system's reason."""
    return f"cannot write {path}: {err.strerror or err}; {way_out}"
