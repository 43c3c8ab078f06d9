"""Reading a CSV file into numbers: the header, the rows, the cells, with every check that
names a line of the file (the header is line 1, blank lines count).

Rows are read in blocks, so a large file neither holds millions of Python strings at once nor
waits on a cell-by-cell loop: an unquoted file is split with ``str.split`` and converted with
``float`` in C; a file with quotes goes through the ``csv`` module.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

import numpy as np

from ..filemessages import no_such_file, not_utf8
from .dataset import DataError

MAX_CSV_BYTES = 200_000_000  # 200 MB: far more rows than a network trained live can use
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # compared stripped, lower case
DELIMITERS = (",", ";", "\t")
BLOCK_ROWS = 16_384


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file's contents: features as numbers (NaN where missing), the target as text."""

    name: str
    features: list[str]
    target: str
    lines: np.ndarray  # (n,) the line number of each row in the file
    X: np.ndarray  # (n, n_features) float64
    target_cells: list[str]  # stripped


def read_table(path: Path, target: str | None) -> Table:
    """Read ``path``; ``target`` names the target column (None: the last one)."""
    name = path.name or str(path)
    text = _read_text(path, name)
    header_line, header, body = _split_header(text)
    delimiter = max(DELIMITERS, key=header.count)
    columns = _column_names(header, header_line, delimiter, name)
    if target is None:
        target = columns[-1]
    elif target not in columns:
        raise DataError(f"{name}: no column {target!r}; the columns are: "
                        f"{', '.join(map(repr, columns))} (--target)")
    t = columns.index(target)
    features = columns[:t] + columns[t + 1:]
    blocks = (_quoted_blocks if '"' in body else _plain_blocks)(body, header_line, delimiter, len(columns), name)
    all_lines, all_X, target_cells = [], [], []
    for lines, cells in blocks:
        target_cells += [c.strip() for c in cells[t::len(columns)]]
        del cells[t::len(columns)]
        all_lines.append(np.asarray(lines, dtype=np.int64))
        all_X.append(_to_numbers(cells, lines, features, name).reshape(len(lines), len(features)))
    if not all_lines:
        raise DataError(f"{name}: no data rows under the header; add rows of numbers")
    return Table(name, features, target, np.concatenate(all_lines), np.concatenate(all_X), target_cells)


def is_number(cells: list[str]) -> np.ndarray:
    """Which cells ``float`` reads, as a bool array."""
    def number(c: str) -> bool:
        try:
            float(c)
        except ValueError:
            return False
        return True
    return np.fromiter(map(number, cells), dtype=bool, count=len(cells))


# -- the file --------------------------------------------------------------------------------

def _read_text(path: Path, name: str) -> str:
    if path.is_dir():
        raise DataError(f"{path}: is a directory, not a CSV file; give the path of a .csv file")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError(f"{path}: {no_such_file('--data')}") from None
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror}); check the path and its permissions") from None
    if size > MAX_CSV_BYTES:
        raise DataError(f"{name}: the file is {size / 1e6:,.0f} MB, over the limit of "
                        f"{MAX_CSV_BYTES / 1e6:.0f} MB; use a sample of its rows")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror}); check the path and its permissions") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(f"{name}: a binary file, not CSV text (a NUL byte at offset {nul}); give a CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(f"{name}: {not_utf8(raw, err)}") from None
    if not text.strip():
        raise DataError(f"{name}: the file is empty; it needs a header row of column names, then rows of numbers")
    return text


def _split_header(text: str) -> tuple[int, str, str]:
    """The header's line number, the header line, and the text after it (blank lines above skipped)."""
    line, rest = 0, text
    while True:
        line += 1
        head, _, rest = rest.partition("\n")
        if head.strip():
            return line, head.rstrip("\r"), rest


def _column_names(header: str, header_line: int, delimiter: str, name: str) -> list[str]:
    cells = [c.strip() for c in next(csv.reader([header], delimiter=delimiter))]
    if len(cells) < 2:
        raise DataError(f"{name}: the header has one column ({cells[0]!r}); a CSV file needs a column per "
                        "feature and a target, separated by commas")
    if all(is_number(cells)):
        raise DataError(f"{name}: no header row (line {header_line} is all numbers: {header[:40]!r}); "
                        "add a first line of column names")
    columns = [c or f"column {i + 1}" for i, c in enumerate(cells)]  # e.g. a spreadsheet's index column
    seen: set[str] = set()
    for c in columns:
        if c in seen:
            raise DataError(f"{name}: two columns are named {c!r}; give every column its own name")
        seen.add(c)
    return columns


# -- the rows --------------------------------------------------------------------------------

def _plain_blocks(body: str, header_line: int, delimiter: str, n_cols: int,
                  name: str) -> Iterator[tuple[list[int], list[str]]]:
    """Blocks of (line numbers, cells row by row) of a file without quotes."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for start in range(0, len(lines), BLOCK_ROWS):
        kept = [(i, s) for i, s in enumerate(lines[start:start + BLOCK_ROWS], header_line + 1 + start)
                if s and not s.isspace()]
        if not kept:
            continue
        numbers, rows = map(list, zip(*kept))
        counts = [s.count(delimiter) for s in rows]
        if counts.count(n_cols - 1) != len(counts):
            bad = next(i for i, c in enumerate(counts) if c != n_cols - 1)
            _raise_row_length(name, numbers[bad], counts[bad] + 1, n_cols)
        yield numbers, delimiter.join(rows).split(delimiter)


def _quoted_blocks(body: str, header_line: int, delimiter: str, n_cols: int,
                   name: str) -> Iterator[tuple[list[int], list[str]]]:
    """The same, through the csv module, for a file with quoted cells."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    while True:
        numbers: list[int] = []
        cells: list[str] = []
        try:
            n_read = 0
            for row in islice(reader, BLOCK_ROWS):
                n_read += 1
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                line = header_line + reader.line_num
                if len(row) != n_cols:
                    _raise_row_length(name, line, len(row), n_cols)
                numbers.append(line)
                cells += row
        except csv.Error as err:
            raise DataError(f"{name}: row {header_line + reader.line_num} cannot be read as CSV ({err}); "
                            "fix the row") from None
        if numbers:
            yield numbers, cells
        if n_read < BLOCK_ROWS:
            return


def _raise_row_length(name: str, line: int, n: int, n_cols: int) -> None:
    raise DataError(f"{name}: row {line} has {n} cells, the header has {n_cols} columns; "
                    "make every row as long as the header")


def _to_numbers(cells: list[str], lines: list[int], features: list[str], name: str) -> np.ndarray:
    """The cells as float64, NaN where a value is missing; a DataError at the first that is
    neither a number nor missing. Infinities are refused too."""
    try:
        values = np.fromiter(map(float, cells), dtype=np.float64, count=len(cells))
    except ValueError:
        values = np.empty(len(cells))
        for k, c in enumerate(cells):
            try:
                values[k] = float(c)
            except ValueError:
                if c.strip().lower() not in MISSING:
                    _raise_not_a_number(cells, k, lines, features, name)
                values[k] = np.nan
    infinite = np.flatnonzero(np.isinf(values))
    if len(infinite):
        k = int(infinite[0])
        d = len(features)
        raise DataError(f"{name}: row {lines[k // d]}, column {features[k % d]!r}: {cells[k].strip()!r} is not a "
                        "finite number; fix the cell or drop the row")
    return values


def _raise_not_a_number(cells: list[str], k: int, lines: list[int], features: list[str], name: str) -> None:
    d = len(features)
    row, col = lines[k // d], features[k % d]
    cell = cells[k].strip()
    column = cells[k % d::d]
    text = len(column) - int(is_number(column).sum()) - sum(c.strip().lower() in MISSING for c in column)
    if text > len(column) // 2:
        raise DataError(f"{name}: column {col!r} holds text ({cell!r} in row {row}); features must be "
                        "numbers: encode it as numbers, or remove the column")
    hint = " (write decimals with a point)" if "," in cell else ""
    raise DataError(f"{name}: row {row}, column {col!r}: {cell!r} is not a number{hint}; "
                    "fix the cell or drop the row")
