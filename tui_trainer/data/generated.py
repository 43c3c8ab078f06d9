"""Generated data sets: toy problems drawn from a seeded generator, any size, any noise.

Each maker takes ``(n, noise, rng)`` and returns ``X`` of shape (n, n_features) and ``y``
(class labels 0..K-1, or numbers). ``noise`` is the standard deviation of the Gaussian noise,
in the units of the coordinates (all lie within about 1 of the origin) or of the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .dataset import CLASSIFICATION, REGRESSION, Dataset
from .prepare import make_dataset

Maker = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
SPIRAL_ARMS = 3


def _split_evenly(n: int, k: int) -> np.ndarray:
    return n // k + (np.arange(k) < n % k)


def spiral(n: int, noise: float, rng: np.random.Generator, arms: int = SPIRAL_ARMS):
    """``arms`` interleaved spiral arms from the centre (radius 0) out to radius 1, each
    turning 4 radians (after cs231n's spiral); neighbouring arms are about 0.5 apart."""
    X, y = [], []
    for arm, size in enumerate(_split_evenly(n, arms)):
        r = rng.uniform(0.0, 1.0, size)
        angle = 2 * np.pi * arm / arms + 4.0 * r
        X.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
        y.append(np.full(size, arm))
    X = np.concatenate(X)
    X += noise * rng.standard_normal(X.shape)
    return X, np.concatenate(y)


def moons(n: int, noise: float, rng: np.random.Generator):
    """Two interleaving half circles (as scikit-learn's make_moons)."""
    upper, lower = _split_evenly(n, 2)
    t_up, t_low = rng.uniform(0.0, np.pi, upper), rng.uniform(0.0, np.pi, lower)
    X = np.concatenate([np.column_stack([np.cos(t_up), np.sin(t_up)]),
                        np.column_stack([1.0 - np.cos(t_low), 0.5 - np.sin(t_low)])])
    X += noise * rng.standard_normal(X.shape)
    return X, np.repeat([0, 1], [upper, lower])


def circles(n: int, noise: float, rng: np.random.Generator):
    """A ring of radius 1 around a ring of radius 0.5."""
    outer, inner = _split_evenly(n, 2)
    t = rng.uniform(0.0, 2 * np.pi, n)
    r = np.repeat([1.0, 0.5], [outer, inner])
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    X += noise * rng.standard_normal(X.shape)
    return X, np.repeat([0, 1], [outer, inner])


def xor(n: int, noise: float, rng: np.random.Generator):
    """Points in the square [-1, 1]^2, class 1 where both coordinates have the same sign;
    the noise moves the points after they are labelled."""
    X = rng.uniform(-1.0, 1.0, (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X += noise * rng.standard_normal(X.shape)
    return X, y


def blobs(n: int, noise: float, rng: np.random.Generator, k: int = 3):
    """``k`` round Gaussian blobs of standard deviation ``noise``, centred on the unit circle."""
    sizes = _split_evenly(n, k)
    angle = np.pi / 2 + 2 * np.pi * np.arange(k) / k
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    X = np.repeat(centres, sizes, axis=0) + noise * rng.standard_normal((n, 2))
    return X, np.repeat(np.arange(k), sizes)


def sine(n: int, noise: float, rng: np.random.Generator):
    """y = sin(x) for x in [-pi, pi]."""
    x = rng.uniform(-np.pi, np.pi, n)
    return x[:, None], np.sin(x) + noise * rng.standard_normal(n)


def plane(n: int, noise: float, rng: np.random.Generator):
    """y = 0.8 x1 - 0.5 x2 for (x1, x2) in [-1, 1]^2: a linear model is all it takes."""
    X = rng.uniform(-1.0, 1.0, (n, 2))
    return X, X @ np.array([0.8, -0.5]) + noise * rng.standard_normal(n)


def polynomial(n: int, noise: float, rng: np.random.Generator):
    """y = (x^3 - 3x) / 2 for x in [-2, 2]: two turning points, values in [-1, 1]."""
    x = rng.uniform(-2.0, 2.0, n)
    return x[:, None], (x**3 - 3 * x) / 2 + noise * rng.standard_normal(n)


@dataclass(frozen=True)
class Recipe:
    make: Maker
    task: str
    shape: str  # for the description: "3 arms"
    class_names: tuple[str, ...] | None = None
    feature_names: tuple[str, ...] = ("x1", "x2")
    target_name: str = "class"


GENERATORS: dict[str, Recipe] = {
    "spiral": Recipe(spiral, CLASSIFICATION, f"{SPIRAL_ARMS} arms",
                     tuple(f"arm {i + 1}" for i in range(SPIRAL_ARMS)), target_name="arm"),
    "moons": Recipe(moons, CLASSIFICATION, "2 moons", ("upper", "lower"), target_name="moon"),
    "circles": Recipe(circles, CLASSIFICATION, "2 rings", ("outer", "inner"), target_name="ring"),
    "xor": Recipe(xor, CLASSIFICATION, "4 quadrants", ("opposite signs", "same signs")),
    "blobs": Recipe(blobs, CLASSIFICATION, "3 blobs", ("blob 1", "blob 2", "blob 3"), target_name="blob"),
    "sine": Recipe(sine, REGRESSION, "y = sin(x)", feature_names=("x",), target_name="y"),
    "plane": Recipe(plane, REGRESSION, "y = 0.8 x1 - 0.5 x2", target_name="y"),
    "polynomial": Recipe(polynomial, REGRESSION, "y = (x^3 - 3x)/2", feature_names=("x",), target_name="y"),
}


def load_generated(name: str, *, samples: int, noise: float, train_fraction: float, seed: int) -> Dataset:
    """Draw ``samples`` points of the generated set ``name``, then split and scale them."""
    recipe = GENERATORS[name]
    # its own stream, so the points drawn and the split (seeded by ``seed``) are independent
    rng = np.random.default_rng([seed, 1])
    X, y = recipe.make(samples, noise, rng)
    return make_dataset(
        name, recipe.task, X, y, feature_names=recipe.feature_names, target_name=recipe.target_name,
        class_names=recipe.class_names, train_fraction=train_fraction, seed=seed,
        description=f"{name}: {recipe.shape}, {samples} points, noise {noise:g} (generated)")
