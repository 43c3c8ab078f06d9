"""The checks behind ``RunConfig``: each field's type and allowed range, and ``ConfigError``.

One table, ``FIELD_KINDS``, says what each field may hold; ``check_field`` applies it. The
messages name the field the way the caller does (``--lr`` on the command line, ``learning_rate``
in a TOML file) through ``ConfigError.message(names)``.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .data import DATASETS, NOISE_RANGE, SAMPLES_RANGE, TASKS, TRAIN_FRACTION_RANGE
from .engine import (ACTIVATIONS, BATCH_MODES, DTYPES, LOSSES, MAX_DROPOUT, MAX_LEARNING_RATE, MIN_LEARNING_RATE,
                     OPTIMIZERS)

MAX_LAYERS, MAX_WIDTH = 16, 4096
_FIELD_REF = re.compile(r"\{(\w+)\}")


class ConfigError(ValueError):
    """A setting with a wrong type or a value out of range; ``str()`` is one line.

    ``key`` is the RunConfig field (None for a whole-file problem), ``value`` the bad value
    (None: not shown), ``reason`` the rest of the sentence; it may name other fields as
    ``{field}``, spelled by ``message(names)``. ``where`` (a file, a line) prefixes it.
    """

    def __init__(self, key: str | None, value: Any, reason: str, *, where: str | None = None,
                 label: str | None = None):
        self.key, self.value, self.reason, self.where, self.label = key, value, reason, where, label
        super().__init__(self.message())

    def message(self, names: Mapping[str, str] | None = None) -> str:
        """The sentence, with each field spelled as ``names`` says (default: its own name)."""
        names = names or {}
        label = self.label if self.label is not None else names.get(self.key or "", self.key)
        # only {field} is replaced: the rest of a reason may quote what the user typed, braces and all
        reason = _FIELD_REF.sub(lambda m: names.get(m[1], m[1]) if m[1] in FIELD_KINDS else m[0], self.reason)
        parts = [label, None if self.value is None else show(self.value), reason]
        text = " ".join(p for p in parts if p)
        return f"{self.where}: {text}" if self.where else text

    def at(self, where: str | None, label: str | None) -> "ConfigError":
        """The same error, located in a file and labelled as the file spells it."""
        return ConfigError(self.key, self.value, self.reason, where=where, label=label)

    def __str__(self) -> str:
        return self.message()


def show(value: Any) -> str:
    """A value as a user would type it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ",".join(show(v) for v in value)
    if isinstance(value, str):
        return repr(value)
    return str(value)


def closest(name: str, valid: Iterable[str]) -> str | None:
    """The valid name most like ``name``, if one is close (for "did you mean ...?")."""
    matches = difflib.get_close_matches(str(name), list(valid), n=1, cutoff=0.6)
    return matches[0] if matches else None


# -- types -------------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return f"true/false ({show(v)})"
    if isinstance(v, str):
        return f"a string ({v!r})"
    if _is_int(v):
        return f"a whole number ({v})"
    if _is_number(v):
        return f"a number ({v:g})"
    if isinstance(v, (list, tuple)):  # name the item that is not a whole number
        odd = next((x for x in v if not _is_int(x)), None)
        return f"a list holding {_type_name(odd)}" if odd is not None else "a list"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


TYPES: dict[str, tuple[str, Callable[[Any], bool], Callable[[Any], Any]]] = {
    # kind: (what it must be, test, normalise)
    "str": ("a string", lambda v: isinstance(v, str), str),
    "int": ("a whole number", _is_int, int),
    "float": ("a number", _is_number, float),
    "bool": ("true or false", lambda v: isinstance(v, bool), bool),
    "widths": ("a list of whole numbers, e.g. [32, 32] ([] for no hidden layer)",
               lambda v: isinstance(v, (list, tuple)) and all(_is_int(w) for w in v),
               lambda v: tuple(int(w) for w in v)),
}


# -- ranges ------------------------------------------------------------------------------------
def _between(low: float, high: float, *, whole: bool = False, open_low: bool = False,
             open_high: bool = False) -> Callable[[Any], str | None]:
    left, right = "(" if open_low else "[", ")" if open_high else "]"
    lo, hi = (f"{low:d}", f"{high:d}") if whole and high != math.inf else (f"{low:g}", f"{high:g}")
    text = f"{left}{lo}, {hi}{right}"
    if high == math.inf:
        text = f"{'>' if open_low else '>='} {low:g}"
    what = "a whole number " if whole else ""

    def check(v: Any) -> str | None:
        above = v > low if open_low else v >= low
        below = v < high if open_high else v <= high
        if not (above and below):  # also refuses NaN
            sep = "in " if high != math.inf else ""
            return f"is out of range; it must be {what}{sep}{text}"
        return None

    return check


def _one_of(kind: str, table: Callable[[], Iterable[str]]) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        valid = list(table())
        if v in valid:
            return None
        hint = closest(v, valid)
        hint = f"did you mean {hint!r}? " if hint else ""
        return f"is not a known {kind}; {hint}choose one of: {', '.join(valid)}"

    return check


def _not_empty(v: str) -> str | None:
    return "is empty" if not v.strip() else None


def _widths(v: tuple[int, ...]) -> str | None:
    if len(v) > MAX_LAYERS:  # none is allowed: a linear model, e.g. to see xor fail without a hidden layer
        return f"has {len(v)} layers; at most {MAX_LAYERS} are allowed"
    bad = next((w for w in v if not 1 <= w <= MAX_WIDTH), None)
    if bad is not None:
        return f"has a layer of width {bad}; each width must be in [1, {MAX_WIDTH}]"
    return None


@dataclass(frozen=True)
class FieldKind:
    type: str
    optional: bool = False  # None allowed (means "the data set's default")
    check: Callable[[Any], str | None] | None = None


FIELD_KINDS: dict[str, FieldKind] = {
    "dataset": FieldKind("str", True, _one_of("data set", lambda: DATASETS)),
    "data": FieldKind("str", True, _not_empty),
    "target": FieldKind("str", True, _not_empty),
    "task": FieldKind("str", True, _one_of("task", lambda: TASKS)),
    "drop_missing": FieldKind("bool"),
    "samples": FieldKind("int", True, _between(*SAMPLES_RANGE, whole=True)),
    "noise": FieldKind("float", True, _between(*NOISE_RANGE)),
    "train_fraction": FieldKind("float", True, _between(*TRAIN_FRACTION_RANGE)),
    "hidden": FieldKind("widths", True, _widths),
    "activation": FieldKind("str", False, _one_of("activation", lambda: ACTIVATIONS)),
    "dtype": FieldKind("str", False, _one_of("dtype", lambda: DTYPES)),
    "seed": FieldKind("int", False, _between(0, math.inf, whole=True)),
    "weight_seed": FieldKind("int", True, _between(0, math.inf, whole=True)),
    "epochs": FieldKind("int", False, _between(1, math.inf, whole=True)),
    "loss": FieldKind("str", True, _one_of("loss", lambda: LOSSES)),
    "optimizer": FieldKind("str", False, _one_of("optimizer", lambda: OPTIMIZERS)),
    "learning_rate": FieldKind("float", False, _between(MIN_LEARNING_RATE, MAX_LEARNING_RATE)),
    "batch_mode": FieldKind("str", False, _one_of("batch mode", lambda: BATCH_MODES)),
    "batch_size": FieldKind("int", False, _between(1, math.inf, whole=True)),
    "dropout": FieldKind("float", False, _between(0, MAX_DROPOUT)),
    "weight_decay": FieldKind("float", True, _between(0, math.inf)),
    "momentum": FieldKind("float", False, _between(0, 1, open_high=True)),
    "nesterov": FieldKind("bool"),
}


def check_field(name: str, value: Any) -> Any:
    """``value`` normalised for field ``name`` (a list of widths becomes a tuple, an int a
    float where a number is wanted), or ConfigError saying what it must be."""
    kind = FIELD_KINDS[name]
    what, test, normalise = TYPES[kind.type]
    if not test(value):
        raise ConfigError(name, None, f"has the wrong type: it must be {what}, not {_type_name(value)}")
    value = normalise(value)
    if kind.type == "float" and not math.isfinite(value):
        raise ConfigError(name, value, "is not a finite number")
    problem = kind.check(value) if kind.check else None
    if problem:
        raise ConfigError(name, value, problem)
    return value
