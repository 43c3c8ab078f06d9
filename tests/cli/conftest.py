import numpy as np
import pytest

from tui_trainer.cli import main

@pytest.fixture
def run(capsys):
    """Run ``main(argv)`` in-process: (exit status, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def tiny_csv(tmp_path):
    """A small classification CSV: two features, a class column named "label"."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    path = tmp_path / "tiny.csv"
    lines = ["a,b,label"] + [f"{float(a)!r},{float(b)!r},{c}" for (a, b), c in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def same_history():
    """Whether two History objects hold the same numbers bit for bit (wall-clock times aside)."""

    def same(h1, h2) -> bool:
        a, b = h1.as_arrays(), h2.as_arrays()
        return all(np.array_equal(a[k], b[k]) for k in a if k != "seconds") and \
            [(e.epoch, e.text) for e in h1.events] == [(e.epoch, e.text) for e in h2.events]

    return same
