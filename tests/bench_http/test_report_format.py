"""Values in the report tables are scaled as benchstat prints them: the cases of
golang.org/x/perf benchunit/scale_test.go (TestScale), each value and the float just
below it (the crux between two prefixes)."""

from __future__ import annotations

import math

import pytest

from goarchlab.render.bench_text import fmt_value

DECIMAL = [
    (0, "0.000", "0.000"), (1, "1.000", "1.000"), (-1, "-1.000", "-1.000"),
    (9999500000000000, "9999.5T", "9999.5T"), (999950000000000, "1000.0T", "999.9T"),
    (99995000000000, "100.0T", "99.99T"), (9999500000000, "10.00T", "9.999T"),
    (999950000000, "1.000T", "999.9G"), (99995000000, "100.0G", "99.99G"),
    (9999500000, "10.00G", "9.999G"), (999950000, "1.000G", "999.9M"),
    (99995000, "100.0M", "99.99M"), (9999500, "10.00M", "9.999M"),
    (999950, "1.000M", "999.9k"), (99995, "100.0k", "99.99k"), (9999.5, "10.00k", "9.999k"),
    (999.95, "1.000k", "999.9"), (99.995, "100.0", "99.99"), (9.9995, "10.00", "9.999"),
    (.99995, "1.000", "999.9m"), (.099995, "100.0m", "99.99m"), (.0099995, "10.00m", "9.999m"),
    (.00099995, "1.000m", "999.9µ"), (.000099995, "100.0µ", "99.99µ"),
    (.0000099995, "10.00µ", "9.999µ"), (.00000099995, "1.000µ", "999.9n"),
    (.000000099995, "100.0n", "99.99n"), (.0000000099995, "10.00n", "9.999n"),
    (.00000000099995, "1.000n", "0.9999n"),
    (math.nextafter(.000000000099995, 1), "0.1000n", "0.09999n"),
    (.0000000000099995, "0.01000n", "0.009999n"),
    (math.nextafter(.00000000000099995, 1), "0.001000n", "0.0009999n"),
    (.000000000000099995, "0.0001000n", "0.00009999n"),
    (.0000000000000099995, "0.00001000n", "0.000009999n"),
    (math.nextafter(.00000000000000099995, 1), "0.000001000n", "0.0000009999n"),
    (-99995000000000, "-100.0T", "-99.99T"), (-.0000000099995, "-10.00n", "-9.999n"),
]
BINARY = [
    (0, "0.000", "0.000"), (1, "1.000", "1.000"), (-1, "-1.000", "-1.000"),
    (.99995 * (1 << 50), "1023.9Ti", "1023.9Ti"), (99.995 * (1 << 40), "100.0Ti", "99.99Ti"),
    (9.9995 * (1 << 40), "10.00Ti", "9.999Ti"), (.99995 * (1 << 40), "1.000Ti", "1023.9Gi"),
    (99.995 * (1 << 30), "100.0Gi", "99.99Gi"), (9.9995 * (1 << 30), "10.00Gi", "9.999Gi"),
    (.99995 * (1 << 30), "1.000Gi", "1023.9Mi"), (99.995 * (1 << 20), "100.0Mi", "99.99Mi"),
    (9.9995 * (1 << 20), "10.00Mi", "9.999Mi"), (.99995 * (1 << 20), "1.000Mi", "1023.9Ki"),
    (99.995 * (1 << 10), "100.0Ki", "99.99Ki"), (9.9995 * (1 << 10), "10.00Ki", "9.999Ki"),
    (.99995 * (1 << 10), "1.000Ki", "1023.9"), (99.995, "100.0", "99.99"),
    (9.9995, "10.00", "9.999"), (.99995, "1.000", "0.9999"), (.099995, "0.1000", "0.09999"),
    (.0099995, "0.01000", "0.009999"), (.00099995, "0.001000", "0.0009999"),
    (.000099995, "0.0001000", "0.00009999"), (.0000099995, "0.00001000", "0.000009999"),
    (.00000099995, "0.000001000", "0.0000009999"),
    (.00000009995, "0.0000001000", "0.0000000999"),
    (math.nextafter(.00000000995, 1), "0.0000000100", "0.0000000099"),
    (.00000000095, "0.0000000010", "0.0000000009"),
    (.00000000005, "0.0000000001", "0.0000000000"),
    (.000000000009, "0.0000000000", "0.0000000000"),
]


@pytest.mark.parametrize(("unit", "cases"), [("req/s", DECIMAL), ("sec/op", DECIMAL),
                                             ("p99-us", DECIMAL), ("B/op", BINARY),
                                             ("heap-peak-B", BINARY), ("B/s", BINARY)])
def test_scaled_as_benchunit_scale(unit, cases):
    for num, want, want_pred in cases:
        assert fmt_value(num, unit) == want, num
        assert fmt_value(math.nextafter(num, 0), unit) == want_pred, num


def test_unit_class_and_unprintable_values():
    # bytes in the denominator do not make a unit binary (benchunit.ClassOf)
    assert fmt_value(2048, "op/B") == "2.048k" and fmt_value(2048, "B/op") == "2.000Ki"
    assert fmt_value(3 << 20, "MB/s") == "3.000Mi" and fmt_value(2048, "bytes") == "2.000Ki"
    assert fmt_value(45678.9, "req/s") == "45.68k"  # not 4.568e+04
    assert fmt_value(math.nan, "req/s") == fmt_value(math.inf, "B/op") == "?"
    assert fmt_value(None, "sec/op") == "?"


def test_a_row_shares_one_scale():
    """benchstat scales a table row by its non-zero value closest to zero
    (benchunit.CommonScale over the row's centres)."""
    row = [21000.0, 2221.0]
    assert [fmt_value(x, "req/s", row) for x in row] == ["21.000k", "2.221k"]
    assert fmt_value(0, "req/s", row) == "0.000k"
    secs = [7.538e-6, 5.567e-5]
    assert [fmt_value(x, "sec/op", secs) for x in secs] == ["7.538µ", "55.670µ"]
    assert fmt_value(3 << 20, "B/op", [512, None, math.nan]) == "3145728.0"
