"""The probabilistic model of party records: Splink (Fellegi-Sunter), trained by EM.

The comparisons are dialect-free Splink level specs, so the same settings run on DuckDB
(the default) and on Spark. Parameters are trained on every run that asks for it: u by
random sampling, m by expectation maximisation on two blocking passes that each leave
different comparisons free to learn.

Comparisons, strongest level first:

* name -- same words; 3+ / 2 skeletons (transliteration-proof) in common; Jaro-Winkler of
  the sorted words; 1 skeleton in common.
* birth date -- same full date; day and month swapped; one keystroke apart; same month;
  same year where one side is only a year or a 1 January placeholder (weak); same year
  with different precise dates (evidence against); a year apart; years apart where one
  side is imprecise (assessed ages) -- kept apart from precise dates that differ.
* document numbers -- a number in common; one keystroke apart.
* address -- four or more / two or more words in common.
* an account or wallet held in common (hubs removed): its bank knows its customer.
* phone (hub phones removed), nationality, gender, country, and the record kind
  (person / organisation / unknown legal entity).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# (columns, arrays to explode): pairs with the same words (a common name only within a
# birth year), sharing two words of a name (in any order and spelling; common pairs
# only within a birth year), a one-word name and a birth year, a (non-hub) phone or
# held account, a document number give or take one keystroke, or a full birth date and
# any word of the name. The adaptive keys are made in ``pipeline.py``.
BLOCKING: list[tuple[tuple[str, ...], list[str] | None]] = [
    (("name_block",), None),
    (("skel_block",), ["skel_block"]),
    (("skel_single", "dob_year"), None),
    (("phones",), ["phones"]),
    (("accounts",), ["accounts"]),
    (("id_deletions",), ["id_deletions"]),
    (("dob_exact", "name_skeletons"), ["name_skeletons"]),
]


def _levels() -> tuple[Any, Any]:
    """Splink's array levels, rendered for DuckDB without ``list_intersect``.

    ``list_intersect`` builds the set of common elements, pair by pair; counting the
    elements of one list the other contains is four times cheaper, and the comparisons
    are most of the cost of training and prediction. The counts agree because every list
    the model compares at two or more in common (name skeletons, address words) is made
    distinct in ``records.py``; at one in common, repeats cannot matter. Other engines get
    Splink's own SQL."""
    import splink.comparison_level_library as cll

    def common(column: Any, dialect: Any) -> str:
        column.col_expression.sql_dialect = dialect
        left, right = column.col_expression.name_l, column.col_expression.name_r
        return f"len(list_filter({left}, lambda x: list_contains({right}, x)))"

    class InCommon(cll.ArrayIntersectLevel):
        def create_sql(self, sql_dialect: Any) -> str:
            if sql_dialect.sql_dialect_str != "duckdb":
                return str(super().create_sql(sql_dialect))
            return f"{common(self, sql_dialect)} >= {self.min_intersection}"

    class Subset(cll.ArraySubsetLevel):
        def create_sql(self, sql_dialect: Any) -> str:
            if sql_dialect.sql_dialect_str != "duckdb" or self.empty_is_subset:
                return str(super().create_sql(sql_dialect))
            found = common(self, sql_dialect)
            col = self.col_expression
            shorter = f"LEAST(len({col.name_l}), len({col.name_r}))"
            return f"{shorter} <> 0 AND {found} = {shorter}"

    return InCommon, Subset


def settings(*, prior: float = 1e-4, retain_columns: bool = False) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    in_common, subset = _levels()

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key").configure(
                label_for_charts="same words", tf_adjustment_column="name_key"
            ),
            cll.ExactMatchLevel("skeleton_key").configure(
                label_for_charts="same words, spelt differently"
            ),
            in_common("name_skeletons", 3),
            # Two words of one name are all of the other ("Jafar Karim" / "Jafar Karim
            # Hassan": a shorter record of the same name) -- unlike two names that share
            # two words but each have one the other lacks ("Omar Karim Hassan" / "Ahmed
            # Karim Hassan": brothers, by the father's and grandfather's names).
            cll.And(
                subset("name_skeletons"),
                in_common("name_skeletons", 2),
            ).configure(label_for_charts="one name is part of the other"),
            in_common("name_skeletons", 2).configure(
                label_for_charts="two words in common, others differ"
            ),
            cll.JaroWinklerLevel("name_key", 0.88),
            in_common("name_skeletons", 1),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("dob_year"),
            cll.CustomLevel("dob_exact_l = dob_exact_r", label_for_charts="same date"),
            cll.CustomLevel(
                "substr(dob_exact_l, 1, 4) = substr(dob_exact_r, 1, 4) "
                "AND substr(dob_exact_l, 6, 2) = substr(dob_exact_r, 9, 2) "
                "AND substr(dob_exact_l, 9, 2) = substr(dob_exact_r, 6, 2)",
                label_for_charts="day and month swapped",
            ),
            # One keystroke (a changed digit, two digits swapped) between two dates of
            # the same length leaves the year or the month and day as they were: a
            # cheap test first spares most pairs the edit distance.
            cll.And(
                cll.CustomLevel(
                    "length(dob_exact_l) <> length(dob_exact_r) "
                    "OR substr(dob_exact_l, 1, 4) = substr(dob_exact_r, 1, 4) "
                    "OR substr(dob_exact_l, 6) = substr(dob_exact_r, 6)"
                ),
                cll.DamerauLevenshteinLevel("dob_exact", 1),
            ).configure(label_for_charts="dates one keystroke apart"),
            cll.CustomLevel(
                "dob_month_l = dob_month_r AND NOT dob_imprecise_l AND NOT dob_imprecise_r",
                label_for_charts="same month",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r AND (dob_imprecise_l OR dob_imprecise_r)",
                label_for_charts="same year, one side imprecise",
            ),
            cll.CustomLevel("dob_year_l = dob_year_r", label_for_charts="same year"),
            cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 1", label_for_charts="a year apart"),
            # Ages assessed at a border are recorded as 1 January of a guessed year: the
            # same person's guesses differ by years, while two precise dates that differ
            # are strong evidence of two people.
            cll.CustomLevel(
                "dob_imprecise_l OR dob_imprecise_r",
                label_for_charts="years differ, one side imprecise",
            ),
            cll.ElseLevel(),
        ],
    )
    # A record of unknown kind (FtM LegalEntity: a statement's payee, "QADIR SHWANI")
    # says nothing about whether it is the person or the company on the other side: it
    # is missing evidence, weight 0, not evidence against. Trained, this level learnt
    # that most such pairs are non-matches -- true of pairs, not of the kind.
    kind = cl.CustomComparison(
        output_column_name="kind",
        comparison_levels=[
            cll.CustomLevel(
                "kind_l IS NULL OR kind_r IS NULL OR kind_l = 'party' OR kind_r = 'party'",
                label_for_charts="one unknown",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("kind"),
            cll.ElseLevel(),
        ],
    )

    def array(column: str, label: str) -> Any:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                in_common(column, 1).configure(label_for_charts=label),
                cll.ElseLevel(),
            ],
        )

    documents = cl.CustomComparison(
        output_column_name="id_numbers",
        comparison_levels=[
            cll.NullLevel("id1"),
            in_common("id_numbers", 1).configure(label_for_charts="a document number in common"),
            cll.DamerauLevenshteinLevel("id1", 1).configure(
                label_for_charts="document numbers one keystroke apart"
            ),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address_tokens"),
            in_common("address_tokens", 4).configure(
                label_for_charts="four or more address words in common"
            ),
            in_common("address_tokens", 2).configure(
                label_for_charts="two or three address words in common"
            ),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            name,
            dob,
            documents,
            address,
            array("phones", "a phone in common"),
            array("accounts", "an account held in common"),
            array("nationality", "a nationality in common"),
            cl.ExactMatch("gender"),
            array("country", "a country in common"),
            kind,
        ],
        blocking_rules_to_generate_predictions=[
            block_on(*cols, arrays_to_explode=explode) for cols, explode in BLOCKING
        ],
        additional_columns_to_retain=["agency"],
        probability_two_random_records_match=prior,
        retain_matching_columns=retain_columns,
        retain_intermediate_calculation_columns=retain_columns,
    )


def train(linker: Any, *, max_pairs: float = 2e6, seed: int = 7) -> None:
    """EM training for this run's records.

    The prior comes from :func:`estimate_prior`. u comes from random pairs; m from EM on two
    blockings dense in matches, each leaving other comparisons free to learn (EM cannot
    explode arrays: ``phone1`` is a record's first phone).
    """
    from splink import block_on

    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    from splink.internals.exceptions import EMTrainingException

    # No session blocks on the name: namesakes would pass for matches there and teach
    # the model that matches often disagree on everything else.
    for column in ("dob_exact", "phone1"):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(column), estimate_without_term_frequencies=True, max_pairs=max_pairs
            )
        except EMTrainingException:
            # A small store may have no pairs in a blocking at all: the comparisons that
            # session would train keep Splink's starting values (the run says it trained,
            # the explanation shows the weights).
            log.warning("EM session blocked on %s found no record pairs; skipped", column)


PRIOR_RECALL = 0.3


def estimate_prior(con: Any, table: str) -> float:
    """How likely two random records are to match.

    Counted from rules that are nearly always right -- same words and same full birth
    date, or same words and a shared phone -- assuming they find about a third of the
    true pairs, since most records carry no birth date or phone at all. Never zero: a
    store with no such pair still gets one pair's worth, so weights stay finite.
    """
    n = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    if n < 2:
        return 1e-4
    # Two equality joins, not one join on the name filtered afterwards: a common name
    # pairs thousands of records with each other (0.75 s to 0.27 s at a million).
    found = int(
        con.execute(
            f"""
            SELECT count(*) FROM (
                SELECT l.unique_id, r.unique_id FROM {table} l JOIN {table} r
                  ON l.name_key = r.name_key AND l.dob_exact = r.dob_exact
                 AND l.unique_id < r.unique_id
                UNION
                SELECT l.unique_id, r.unique_id
                FROM (SELECT unique_id, name_key, unnest(phones) AS phone FROM {table}) l
                JOIN (SELECT unique_id, name_key, unnest(phones) AS phone FROM {table}) r
                  ON l.name_key = r.name_key AND l.phone = r.phone
                 AND l.unique_id < r.unique_id
            )
            """
        ).fetchall()[0][0]
    )
    pairs = n * (n - 1) / 2
    return min(0.5, max(found / PRIOR_RECALL, 1.0) / pairs)


def name_frequencies(con: Any, table: str) -> Any:
    """How common each name is: the u of two records agreeing on exactly that name.

    Splink counts a name's records, the record being judged among them (``count /
    total``). For a rare name that count is mostly the pair itself: a name found on just
    the two records compared scores as if one record in N/2 carried it. Asked of a pair
    that is not a match, the question is how often *another* record carries the name, so
    the record itself is left out: ``(count - 1) / (total - 1)``, the leave-one-out
    frequency. A name on two records weighs one bit more than Splink's own count would
    say; a common name is unchanged. Returns an Arrow table (``name_key``,
    ``tf_name_key``), the lookup Splink's term-frequency adjustment reads.
    """
    return con.sql(
        f"""
        WITH names AS (
            SELECT name_key, count(*) AS c FROM {table}
            WHERE name_key IS NOT NULL GROUP BY name_key),
        total AS (SELECT sum(c) AS n FROM names)
        SELECT name_key, CASE WHEN n > 1 THEN (c - 1) / (n - 1) ELSE 1.0 END AS tf_name_key
        FROM names, total ORDER BY name_key
        """
    ).to_arrow_table()


M_FLOOR = 0.01


def smooth(model: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """Keep every level's m probability at least ``floor`` (renormalised).

    EM on a few thousand pairs can drive a level it rarely saw among matches to m = 0,
    which makes that level an absolute veto: one typo in a birth date, and two records
    could never match whatever else agrees. A floor turns the veto back into evidence.
    """
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        # A level EM never saw among matches has no m at all: it gets the floor too.
        raised = [max(float(lv.get("m_probability") or 0.0), floor) for lv in levels]
        total = sum(raised)
        for level, m in zip(levels, raised, strict=True):
            level["m_probability"] = m / total
    return model
