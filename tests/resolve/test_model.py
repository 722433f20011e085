"""The model's levels as rendered for DuckDB decide as Splink's own SQL does."""

from __future__ import annotations

from typing import Any

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from undertow.resolve.model import _levels

# Lists as the party records hold them: distinct elements (``records.py`` makes them
# so), or no list at all.
_LISTS = st.none() | st.lists(st.sampled_from("abcdefg"), max_size=6, unique=True)
_DATES = st.text(alphabet="0129-", min_size=8, max_size=11)


@st.composite
def _date_pairs(draw: st.DrawFn) -> tuple[str | None, str | None]:
    """Two dates, most of them one keystroke or so apart."""
    left = draw(st.none() | _DATES)
    if left is None:
        return None, draw(st.none() | _DATES)
    i = draw(st.integers(0, len(left) - 1))
    char = draw(st.sampled_from("0129-"))
    right = draw(
        st.sampled_from(
            [
                left,
                left[:i] + char + left[i + 1 :],  # a changed digit
                left[:i] + left[i + 1 : i + 2] + left[i : i + 1] + left[i + 2 :],  # swapped
                left[:i] + left[i + 1 :],  # one left out
                left[:i] + char + left[i:],  # one put in
            ]
        )
        | _DATES
    )
    return left, right


def _sql(level: Any) -> str:
    return str(level.get_comparison_level("duckdb").as_dict()["sql_condition"])


def _decide(conditions: list[str], rows: list[tuple[Any, Any]], types: str) -> list[list[Any]]:
    con = duckdb.connect()
    con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
    con.execute(f"CREATE TABLE t (i INTEGER, c_l {types}, c_r {types})")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, *row) for i, row in enumerate(rows)])
    picked = ", ".join(f"coalesce({c}, false)" for c in conditions)
    return [list(r) for r in con.execute(f"SELECT {picked} FROM t ORDER BY i").fetchall()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_LISTS, _LISTS), min_size=1, max_size=20), st.integers(1, 4))
def test_elements_in_common_are_counted_as_splink_intersects(
    rows: list[tuple[list[str] | None, list[str] | None]], n: int
) -> None:
    import splink.comparison_level_library as cll

    in_common, subset = _levels()
    ours = [_sql(in_common("c", n)), _sql(subset("c"))]
    splinks = [_sql(cll.ArrayIntersectLevel("c", n)), _sql(cll.ArraySubsetLevel("c"))]
    assert ours != splinks
    assert _decide(ours, rows, "VARCHAR[]") == _decide(splinks, rows, "VARCHAR[]")


@settings(max_examples=60, deadline=None)
@given(st.lists(_date_pairs(), min_size=1, max_size=20))
def test_the_cheap_test_before_the_edit_distance_changes_no_decision(
    rows: list[tuple[str | None, str | None]],
) -> None:
    from undertow.resolve.model import settings as model_settings

    levels = model_settings().get_settings("duckdb").as_dict()["comparisons"][1]
    guarded = next(
        lv["sql_condition"]
        for lv in levels["comparison_levels"]
        if lv.get("label_for_charts") == "dates one keystroke apart"
    ).replace("dob_exact", "c")
    assert "damerau_levenshtein" in guarded
    plain = 'damerau_levenshtein("c_l", "c_r") <= 1'
    assert _decide([guarded], rows, "VARCHAR") == _decide([plain], rows, "VARCHAR")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["ali", "ali karim", "dara salar", "jafar"]), max_size=12))
def test_a_names_frequency_leaves_the_record_itself_out(names: list[str]) -> None:
    """The u of agreeing on a name is how often *another* record carries it: (count - 1)
    / (total - 1), so a name on two records alone is one record in N - 1, not two in N."""
    import pyarrow as pa

    from undertow.resolve.model import name_frequencies

    con = duckdb.connect()
    con.register("parties", pa.table({"name_key": pa.array([*names, None], pa.string())}))
    got = dict(zip(*name_frequencies(con, "parties").to_pydict().values(), strict=True))
    assert set(got) == set(names)
    for name, tf in got.items():
        expected = (names.count(name) - 1) / (len(names) - 1) if len(names) > 1 else 1.0
        assert tf == expected
