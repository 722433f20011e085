"""The search index: the words of names and the compact forms of identifiers.

Searching by scanning every statement with ``lower(value) LIKE '%karim%'`` costs a
third of a second on the medium scenario; an index of terms makes it a range lookup.
Each term row carries the visibility columns of its statement (agency, release,
handling), so a search is scoped without touching ``statements``; release and erasure
keep them in step.
"""

from __future__ import annotations

TERM_COLUMNS = "statement_id, entity_id, kind, term, prop, agency, release, handling, handling_note"


def terms_select(where: str, source: str = "statements") -> str:
    """SQL selecting the term rows of the statements in ``source`` matching ``where``
    (alias ``s``); ``source`` has the columns of ``statements``."""
    return f"""
        SELECT id, entity_id, 'name', term, prop, agency, release, handling, handling_note
        FROM (
            SELECT s.*, unnest(regexp_split_to_array(
                strip_accents(lower(s.value)), '[^a-z0-9]+')) AS term
            FROM {source} s WHERE s.prop_type = 'name' AND ({where})
        ) WHERE length(term) > 1
        UNION ALL
        SELECT id, entity_id, 'id', upper(regexp_replace(value, '[^A-Za-z0-9+@]', '', 'g')),
               prop, agency, release, handling, handling_note
        FROM {source} s
        WHERE s.prop_type IN ('identifier', 'phone', 'email') AND ({where})
    """
