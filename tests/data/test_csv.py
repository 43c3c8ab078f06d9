"""Reading the user's CSV file: columns, target, task, labels, formats."""

import numpy as np
import pytest

from tui_trainer.data import DataError, load_csv


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def iris_like(n=30):
    rng = np.random.default_rng(0)
    species = ["setosa", "versicolor", "virginica"]
    rows = [f"{rng.normal() + k:.3f},{rng.normal():.3f},{species[k]}" for i in range(n) for k in [i % 3]]
    return "length,width,species\n" + "\n".join(rows) + "\n"


def test_string_labels_become_named_classes(tmp_path):
    data = load_csv(write(tmp_path, iris_like()))
    assert data.name == "data.csv"
    assert data.task == "classification"
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.feature_names == ("length", "width")
    assert data.target_name == "species"
    assert data.n_classes == data.n_outputs == 3
    assert data.y_train.dtype == np.int64
    assert set(np.unique(data.y_train)) == {0, 1, 2}
    assert data.n_train + data.n_test == 30 and data.n_train == 24
    assert data.target_mean is None
    # shown by name (the Run tab, the headless header), as the README says
    assert "target 'species' (3 classes: setosa, versicolor, virginica)" in data.description


def test_labels_keep_their_rows(tmp_path):
    # class 2 ("virginica") has a mean first feature 2 above class 0: the pairing survives the split
    data = load_csv(write(tmp_path, iris_like(300)))
    X, y = np.concatenate([data.X_train, data.X_test]), np.concatenate([data.y_train, data.y_test])
    means = [X[y == k, 0].mean() for k in range(3)]
    assert means[0] < means[1] < means[2]


def test_target_column_by_name_and_few_integers_are_classes(tmp_path):
    text = "group,x,y\n" + "".join(f"{i % 4 * 10},{i},{i * 0.5}\n" for i in range(40))
    data = load_csv(write(tmp_path, text), target="group")
    assert data.task == "classification"
    assert data.class_names == ("0", "10", "20", "30")  # sorted as numbers, named as written
    assert data.feature_names == ("x", "y")


def test_many_distinct_or_fractional_numbers_are_regression(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i * 3}\n" for i in range(30))  # 30 distinct whole numbers
    data = load_csv(write(tmp_path, text))
    assert data.task == "regression" and data.class_names is None
    assert data.y_train.dtype == np.float64
    text = "x,y\n" + "".join(f"{i},{i % 2 + 0.5}\n" for i in range(30))  # 2 distinct, not whole
    assert load_csv(write(tmp_path, text)).task == "regression"


def test_task_can_be_forced(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(30))
    assert load_csv(write(tmp_path, text)).task == "classification"
    data = load_csv(write(tmp_path, text), task="regression")
    assert data.task == "regression" and data.n_outputs == 1
    assert data.target_mean is not None
    y = np.concatenate([data.y_train, data.y_test]) * data.target_std + data.target_mean
    assert sorted(set(np.round(y, 9))) == [0.0, 1.0, 2.0]


def test_regression_target_standardised_and_recoverable(tmp_path):
    ys = np.arange(50) * 1.5 + 100
    text = "x,price\n" + "".join(f"{i},{y}\n" for i, y in enumerate(ys))
    data = load_csv(write(tmp_path, text))
    assert data.y_train.mean() == pytest.approx(0, abs=1e-12)
    assert data.y_train.std() == pytest.approx(1)
    restored = np.sort(np.concatenate([data.y_train, data.y_test]) * data.target_std + data.target_mean)
    np.testing.assert_allclose(restored, ys)


def test_quotes_semicolons_crlf_bom_blank_lines(tmp_path):
    text = '\ufeff"a";"b";"kind"\r\n1;2;"big, red"\r\n\r\n3;4;"small"\r\n5;6;"big, red"\r\n7;8;"small"\r\n'
    data = load_csv(write(tmp_path, text), train_fraction=0.5)
    assert data.feature_names == ("a", "b")
    assert data.class_names == ("big, red", "small")
    assert data.n_train == 2 and data.n_test == 2


def test_tabs_and_unnamed_index_column(tmp_path):
    text = "\tx\ty\n" + "".join(f"{i}\t{i * 2}\t{i % 2}\n" for i in range(10))
    data = load_csv(write(tmp_path, text))
    assert data.feature_names == ("column 1", "x")
    assert data.task == "classification"


def test_plain_and_quoted_readers_agree(tmp_path):
    rows = [f"{i * 0.25},{(i * 7) % 5},{'ab'[i % 2]}" for i in range(40)]
    plain = load_csv(write(tmp_path, "p,q,r\n" + "\n".join(rows), name="plain.csv"))
    quoted = load_csv(write(tmp_path, '"p","q","r"\n' + "\n".join(r.replace("a", '"a"') for r in rows),
                            name="quoted.csv"))
    for field in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(plain, field), getattr(quoted, field))


def test_blocks_join_up(tmp_path, monkeypatch):
    import tui_trainer.data.csvread as csvread

    monkeypatch.setattr(csvread, "BLOCK_ROWS", 7)
    text = "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(50))
    data = load_csv(write(tmp_path, text), train_fraction=0.5)
    X = np.concatenate([data.X_train, data.X_test])[:, 0]
    assert len(np.unique(X)) == 50  # every row read once, across 8 blocks
    lines = text.splitlines()
    lines[33] = "oops,1"  # line 34, in the fifth block
    with pytest.raises(DataError, match="row 34, column 'x'"):
        load_csv(write(tmp_path, "\n".join(lines)))


def test_same_seed_same_arrays(tmp_path):
    path = write(tmp_path, iris_like(90))
    a, b = load_csv(path, seed=3), load_csv(path, seed=3)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        assert getattr(a, field).tobytes() == getattr(b, field).tobytes()
    assert not np.array_equal(a.X_train, load_csv(path, seed=4).X_train)


@pytest.mark.slow
def test_large_file_loads_in_seconds(tmp_path):
    import time

    rng = np.random.default_rng(0)
    values = rng.normal(size=(1000, 50))
    values[:, -1] = rng.integers(0, 5, 1000)
    block = "\n".join(",".join(f"{v:.6g}" for v in row) for row in values) + "\n"
    path = tmp_path / "big.csv"
    path.write_text(",".join(f"f{i}" for i in range(50)) + "\n" + block * 100)  # 100,000 rows, 45 MB
    start = time.process_time()  # CPU time: other processes on the machine do not count
    data = load_csv(path)
    seconds = time.process_time() - start
    assert data.n_train + data.n_test == 100_000 and data.n_features == 49
    assert data.n_classes == 5
    assert seconds < 5, f"{seconds:.1f} s"
