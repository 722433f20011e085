"""Party records: name features assembled from words in SQL equal the features of the
whole names, as :func:`undertow.resolve.names.name_features` defines them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from undertow.resolve.names import name_features, skeletons, tokens
from undertow.resolve.records import build_parties, party_names
from undertow.service import Service

# Letters of the partners' scripts and the separators agencies put between words.
_TEXT = st.text(
    alphabet=st.sampled_from(list("aAbDjsScChkKy éüçøØ-,;/()'\u00a0\t.0ابجدژ")), max_size=30
)


@given(_TEXT)
def test_a_names_tokens_are_its_space_separated_words_tokens(name: str) -> None:
    from_words = {t for word in name.split(" ") for t in tokens(word)}
    assert from_words == set(tokens(name))


@given(st.lists(_TEXT, min_size=1, max_size=3))
def test_word_features_rebuild_the_name_features(names: list[str]) -> None:
    words = [w for name in names for w in name.split(" ")]
    rebuilt = sorted({t for w in words for t in tokens(w)})
    shapes = sorted({s for w in words for t in tokens(w) for s in skeletons(t)})
    features = name_features(names)
    assert rebuilt == features.tokens
    assert shapes == features.skeletons


def test_every_party_record_has_its_names_features(
    resolved: tuple[Service, Path],
) -> None:
    store = resolved[0].store
    names: dict[str, list[str]] = defaultdict(list)
    table = party_names(store)
    for entity, name in zip(
        table.column("entity_id").to_pylist(), table.column("name").to_pylist(), strict=True
    ):
        if name:
            names[entity].append(name)
    parties = build_parties(store)
    assert parties.num_rows > 1000
    checked = 0
    for entity, got_tokens, got_shapes in zip(
        parties.column("unique_id").to_pylist(),
        parties.column("name_tokens").to_pylist(),
        parties.column("name_skeletons").to_pylist(),
        strict=True,
    ):
        if entity not in names:
            assert got_tokens is None
            assert got_shapes is None
            continue
        expected = name_features(names[entity])
        assert (got_tokens, got_shapes) == (expected.tokens, expected.skeletons), entity
        checked += 1
    assert checked > 1000
