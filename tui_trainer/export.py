"""The per-epoch history as a CSV or a JSON file, chosen by the file's extension.

Only numbers that depend on the seed and the settings are written (no wall-clock times), each
float as its shortest exact repr: two runs with the same seed and settings give identical files.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .engine import Trainer

FORMATS = (".csv", ".json")


class ExportError(ValueError):
    """A history file that cannot be written; one line."""


def check_history_path(path: str | Path) -> str:
    """The format (".csv" or ".json") for ``path``, or ExportError listing both."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"history file {str(path)!r} must end in .csv or .json (the format follows the extension)")
    return suffix


def history_rows(trainer: Trainer) -> tuple[list[str], list[list[Any]]]:
    """Column names and one row per epoch: epoch, steps, train_cost, test_cost, gap,
    train_<metric>, test_<metric>, changes (the events applied before or during the epoch)."""
    h, metric = trainer.history, trainer.metric_name
    columns = ["epoch", "steps", "train_cost", "test_cost", "gap", f"train_{metric}", f"test_{metric}", "changes"]
    changes: dict[int, list[str]] = {}
    for event in h.events:  # an event at epoch e applies from epoch e + 1
        changes.setdefault(event.epoch + 1, []).append(event.text)
    rows = []
    for i in range(len(h)):
        epoch = int(h["epoch"][i])
        train, test = float(h["train_cost"][i]), float(h["test_cost"][i])
        rows.append([epoch, int(h["steps"][i]), train, test, test - train, float(h["train_metric"][i]),
                     float(h["test_metric"][i]), "; ".join(changes.get(epoch, ()))])
    return columns, rows


def write_history(path: str | Path, trainer: Trainer) -> None:
    """Write the trainer's history to ``path`` (.csv or .json), atomically."""
    suffix = check_history_path(path)
    columns, rows = history_rows(trainer)
    if suffix == ".csv":
        with atomic_write(path, "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([[_csv_cell(v) for v in row] for row in rows])
        return
    records = [dict(zip(columns[:-1], (_json_number(v) for v in row[:-1]))) for row in rows]
    events = [{"after_epoch": e.epoch, "text": e.text} for e in trainer.history.events]
    with atomic_write(path, "w") as f:
        f.write(_json_document(trainer.metric_name, columns[:-1], records, events))


def _json_document(metric: str, columns: list[str], records: list[dict], events: list[dict]) -> str:
    # one epoch per line: readable, and diffable line by line
    def rows(items: list[dict]) -> str:
        return "[\n" + ",\n".join("  " + json.dumps(r, allow_nan=False) for r in items) + "\n ]" if items else "[]"

    return (f'{{\n "metric": {json.dumps(metric)},\n "columns": {json.dumps(columns)},\n'
            f' "epochs": {rows(records)},\n "events": {rows(events)}\n}}\n')


def _csv_cell(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _json_number(value: Any) -> Any:
    # JSON has no NaN or infinity: write null (e.g. R² of a constant target)
    return None if isinstance(value, float) and not math.isfinite(value) else value
