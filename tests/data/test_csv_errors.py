"""Bad CSV files: each gives a DataError whose one-line message names the problem and the way out."""

import numpy as np
import pytest

from tui_trainer.data import MAX_CSV_BYTES, DataError, load_csv


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(path, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_csv(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


GOOD = "a,b,label\n" + "".join(f"{i},{i % 3},{'xy'[i % 2]}\n" for i in range(20))


def test_missing_file(tmp_path):
    message = error(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in message and "no such file" in message


def test_directory(tmp_path):
    assert "is a directory" in error(tmp_path)


def test_empty_file(tmp_path):
    assert "empty" in error(write(tmp_path, ""))
    assert "empty" in error(write(tmp_path, "\n  \n"))


def test_header_only(tmp_path):
    assert "no data rows" in error(write(tmp_path, "a,b,c\n"))


def test_no_header(tmp_path):
    message = error(write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n"))
    assert "no header" in message and "column names" in message


def test_single_column(tmp_path):
    assert "one column" in error(write(tmp_path, "a\n1\n2\n"))


def test_duplicate_column_names(tmp_path):
    assert "two columns are named 'a'" in error(write(tmp_path, "a,a,y\n1,2,0\n"))


def test_unknown_target_lists_the_columns(tmp_path):
    message = error(write(tmp_path, GOOD), target="price")
    assert "no column 'price'" in message
    assert "'a', 'b', 'label'" in message and "--target" in message


def test_non_numeric_cell_names_its_line_and_column(tmp_path):
    lines = GOOD.splitlines()
    lines[5] = "4,abc,x"  # line 6 of the file: the header is line 1
    message = error(write(tmp_path, "\n".join(lines) + "\n"))
    assert "row 6, column 'b': 'abc' is not a number" in message


def test_non_numeric_cell_in_a_quoted_file(tmp_path):
    lines = GOOD.splitlines()
    lines[3] = '"2","x2","x"'
    assert "row 4, column 'b': 'x2' is not a number" in error(write(tmp_path, "\n".join(lines)))


def test_decimal_comma_gets_a_hint(tmp_path):
    text = "a;b;y\n1;2;0\n1,5;2;1\n3;4;0\n"
    assert "row 3, column 'a': '1,5' is not a number (write decimals with a point)" in error(write(tmp_path, text))


def test_text_feature_column(tmp_path):
    text = "sex,age,y\n" + "".join(f"{'MF'[i % 2]},{20 + i},{i % 2}\n" for i in range(10))
    message = error(write(tmp_path, text))
    assert "column 'sex' holds text ('M' in row 2)" in message and "encode it as numbers" in message


def test_infinite_value(tmp_path):
    text = GOOD.replace("7,1,y", "inf,1,y")
    assert "row 9, column 'a': 'inf' is not a finite number" in error(write(tmp_path, text))


def test_missing_values_say_how_many_and_where(tmp_path):
    lines = GOOD.splitlines()
    lines[2] = "1,,y"      # line 3
    lines[4] = "NA,3,"     # line 5: two missing
    lines[9] = "8,2,x"
    lines[12] = "11,?,y"   # line 13
    lines[15] = "14,nan,x"  # line 16
    message = error(write(tmp_path, "\n".join(lines)))
    assert message.startswith("data.csv: 5 missing values in 4 rows")
    assert "row 3: 'b'; row 5: 'a', 'label'; row 13: 'b'; and 1 more rows" in message
    assert "--drop-missing" in message


def test_drop_missing_drops_those_rows(tmp_path):
    lines = GOOD.splitlines()
    lines[2] = "1,,y"
    lines[4] = "NA,3,"
    data = load_csv(write(tmp_path, "\n".join(lines)), drop_missing=True)
    assert data.n_train + data.n_test == 18
    assert "2 rows with missing values dropped" in data.description
    assert np.isfinite(data.X_train).all() and np.isfinite(data.X_test).all()


def test_every_row_missing(tmp_path):
    assert "every row has a missing value" in error(write(tmp_path, "a,y\n,1\n,0\n"), drop_missing=True)


def test_one_class_only(tmp_path):
    text = "a,b,label\n" + "".join(f"{i},{i},same\n" for i in range(10))
    message = error(write(tmp_path, text))
    assert "one class only ('same')" in message and "--task regression" in message


def test_test_part_too_small(tmp_path):
    text = "a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(6))
    message = error(write(tmp_path, text), train_fraction=0.9)
    assert "the test part would hold 1 of 6 examples" in message and "--train-fraction" in message


def test_train_fraction_out_of_range(tmp_path):
    assert "[0.05, 0.95]" in error(write(tmp_path, GOOD), train_fraction=1.0)


def test_unknown_task(tmp_path):
    assert "classification or regression" in error(write(tmp_path, GOOD), task="clustering")


def test_text_target_cannot_be_regression(tmp_path):
    message = error(write(tmp_path, GOOD), task="regression")
    assert "column 'label' holds text ('x' in row 2)" in message and "--task classification" in message


def test_too_many_classes(tmp_path):
    text = "a,y\n" + "".join(f"{i},{i}.5\n" for i in range(300))
    assert "too many classes" in error(write(tmp_path, text), task="classification")


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:  # a sparse file: the size is checked before anything is read
        f.truncate(MAX_CSV_BYTES + 1)
    message = error(path)
    assert "over the limit of 200 MB" in message


@pytest.mark.parametrize("text, line", [("a,b,y\n1,2,0\n1,2\n3,4,1\n", 3),
                                        ("a,b,y\n1,2,0\n\n3,4,1,9\n", 4),
                                        ('"a","b","y"\n1,2,0\n"1",2,"0",7\n', 3)])
def test_rows_of_different_lengths(tmp_path, text, line):
    message = error(write(tmp_path, text))
    assert f"row {line} has" in message and "the header has 3 columns" in message


def test_binary_file(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert "a binary file" in error(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,y\ncaf\xe9,1\n".encode("latin-1"))
    message = error(path)
    assert "not UTF-8" in message and "0xe9" in message
