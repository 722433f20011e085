"""Exports of a projection: GEXF and GraphML read back by networkx give the graph that
was written; the Cypher script decodes back to it; hidden records show id and notice only."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undertow.errors import UndertowError
from undertow.network.columns import EDGES, NODES
from undertow.network.export import FORMATS, ExportError, UnknownFormatError, write
from undertow.network.project import project

SECRET = "Jamal the Hidden"
NOTICE = "Held by DE-BKA: ask the case officer; ref 7 & <more>"
# node -> (name, schema, category, notice)
PEOPLE: dict[str, tuple[str | None, str, str | None, str | None]] = {
    "p-1": ('Jafar "the Kurd" O\'Brien & <Sons>', "Person", "suspect", None),
    "p-2": ("جعفر كريم", "Person", "migrant", None),
    "p-3": ("Hawrê Ezîz / هەورێ عەزیز", "Person", None, None),
    "c-1": ("Line one\nline two\r\n\tend; MATCH (n) DETACH DELETE n //", "Company", None, None),
    "p-'4\"&<": ("back\\slash 'quoted'", "Legal Entity!", None, None),
    "p-5": (None, "Person", None, NOTICE),
}
TIES = [
    ("p-1", "p-2", "call", True, 12.0, 3, dt.date(2024, 1, 5)),
    ("p-2", "p-1", "payment", True, 4300.0, 1, dt.date(2024, 2, 1)),
    ("p-1", "p-3", "family", False, 1.0, 1, None),
    ("p-3", "c-1", "ownership", True, 1.0, 1, None),
    ("c-1", "p-'4\"&<", "shared_phone", False, 2.0, 2, None),
    ("p-1", "p-5", "call", True, 40.0, 9, dt.date(2024, 3, 9)),
]


def projection(directed: bool = False) -> ig.Graph:
    edges = pa.table(
        {
            "source": [t[0] for t in TIES],
            "target": [t[1] for t in TIES],
            "layer": [t[2] for t in TIES],
            "directed": [t[3] for t in TIES],
            "weight": [t[4] for t in TIES],
            "count": [t[5] for t in TIES],
            "duration": [None] * len(TIES),
            "first": [t[6] for t in TIES],
            "last": [t[6] for t in TIES],
        },
        schema=EDGES,
    )
    nodes = pa.table(
        {
            "node": list(PEOPLE),
            "name": [p[0] for p in PEOPLE.values()],
            "schema": [p[1] for p in PEOPLE.values()],
            "category": [p[2] for p in PEOPLE.values()],
            "notice": [p[3] for p in PEOPLE.values()],
        },
        schema=NODES,
    )
    g = project(edges, nodes, directed=directed)
    # What later analyses attach: every type, and None where a value is unknown.
    names = g.vs["name"]
    g.vs["community"] = [i % 2 for i in range(len(names))]
    g.vs["score"] = [0.1 * i + 1e-9 for i in range(len(names))]
    g.vs["broker"] = [n == "p-1" for n in names]
    g.vs["role"] = ["organiser" if n == "p-1" else None for n in names]
    g.vs["aliases"] = [["a;1", "b"] if n == "p-2" else None for n in names]
    return g


def exported(g: ig.Graph, fmt: str, **kw: Any) -> str:
    out = io.StringIO()
    write(g, fmt, out, **kw)
    return out.getvalue()


def read(g: ig.Graph, fmt: str) -> Any:
    data = io.BytesIO(exported(g, fmt).encode("utf-8"))
    return nx.read_gexf(data) if fmt == "gexf" else nx.read_graphml(data)


def expected_value(v: Any) -> Any:
    return ";".join(v) if isinstance(v, list) else v


def expected_nodes(g: ig.Graph) -> dict[str, dict[str, Any]]:
    """Each vertex's exported attributes: all that are set, or only the notice."""
    out = {}
    for v in g.vs:
        attrs = {k: expected_value(x) for k, x in v.attributes().items() if x is not None}
        del attrs["name"]
        out[v["name"]] = {"notice": attrs["notice"]} if v["notice"] is not None else attrs
    return out


def expected_edges(g: ig.Graph) -> dict[Any, dict[str, Any]]:
    out = {}
    for e in g.es:
        s, t = g.vs[e.source]["name"], g.vs[e.target]["name"]
        key = (s, t) if g.is_directed() else frozenset((s, t))
        out[key] = {k: expected_value(x) for k, x in e.attributes().items()}
    return out


def edges_of(h: Any, drop: tuple[str, ...] = ()) -> dict[Any, dict[str, Any]]:
    return {
        ((s, t) if h.is_directed() else frozenset((s, t))): {
            k: v for k, v in d.items() if k not in drop
        }
        for s, t, d in h.edges(data=True)
    }


@pytest.mark.parametrize("directed", [False, True])
def test_gexf_reads_back_as_the_graph_written(directed: bool) -> None:
    g = projection(directed)
    h = read(g, "gexf")
    assert h.is_directed() == directed
    assert h.number_of_nodes() == g.vcount()
    assert h.number_of_edges() == g.ecount()
    # GEXF carries the label as the node's own XML attribute: networkx gives None when
    # there is none (a hidden node).
    want = {n: {"label": None} | a for n, a in expected_nodes(g).items()}
    assert dict(h.nodes(data=True)) == want
    assert edges_of(h, drop=("id",)) == expected_edges(g)


@pytest.mark.parametrize("directed", [False, True])
def test_graphml_reads_back_as_the_graph_written(directed: bool) -> None:
    g = projection(directed)
    h = read(g, "graphml")
    assert h.is_directed() == directed
    assert h.number_of_edges() == g.ecount()
    assert dict(h.nodes(data=True)) == expected_nodes(g)
    assert edges_of(h) == expected_edges(g)


def test_the_fixture_exercises_what_it_claims() -> None:
    g = projection()
    nodes = expected_nodes(g)
    assert nodes["p-2"]["label"] == "جعفر كريم"
    assert "category" not in nodes["p-3"]  # None: left out
    assert nodes["p-1"]["broker"] is True
    assert nodes["p-1"]["role"] == "organiser"
    assert "role" not in nodes["p-2"]
    assert nodes["p-2"]["aliases"] == "a;1;b"
    assert isinstance(g.es[0]["count"], int)
    assert any(len(e["layers"]) == 2 for e in g.es)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_xml_types_are_declared_from_the_values(fmt: str) -> None:
    h = read(projection(), fmt)
    first = h.nodes["p-1"]
    assert type(first["community"]) is int
    assert type(first["score"]) is float
    assert type(first["broker"]) is bool
    assert h.nodes["p-2"]["aliases"] == "a;1;b"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_xml_cannot_carry_nul_so_it_is_replaced_not_dropped(fmt: str) -> None:
    g = ig.Graph(1)
    g.vs["name"], g.vs["label"] = ["a"], ["x\x00y\x1b\ud800"]
    assert read(g, fmt).nodes["a"]["label"] == "x\ufffdy\ufffd\ufffd"


def test_cypher_keeps_what_xml_cannot() -> None:
    g = ig.Graph(1)
    g.vs["name"], g.vs["label"] = ["a"], ["x\x00y\x1b\ud800\x7f"]
    [(rows, _)] = unwinds(exported(g, "cypher"))
    assert rows == [{"id": "a", "label": "x\x00y\x1b\ud800\x7f"}]


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_non_finite_numbers_read_back(fmt: str) -> None:
    g = ig.Graph(3)
    g.vs["name"] = ["a", "b", "c"]
    g.vs["score"] = [math.nan, math.inf, -math.inf]
    h = read(g, fmt)
    assert math.isnan(h.nodes["a"]["score"])
    assert h.nodes["b"]["score"] == math.inf
    assert h.nodes["c"]["score"] == -math.inf


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_column_of_whole_and_fractional_numbers_is_double(fmt: str) -> None:
    g = ig.Graph(3)
    g.vs["name"], g.vs["score"] = ["a", "b", "c"], [1, 2.5, None]
    h = read(g, fmt)
    assert type(h.nodes["a"]["score"]) is float
    assert h.nodes["b"]["score"] == 2.5
    assert "score" not in h.nodes["c"]


def hidden_graph() -> ig.Graph:
    """A hidden vertex that, against the rules, still holds a name and attributes."""
    g = ig.Graph([(0, 1)])
    g.vs["name"] = ["p-1", "p-9"]
    g.vs["label"] = ["Hawre Aziz", SECRET]
    g.vs["schema"] = ["Person", "Vessel"]
    g.vs["category"] = ["migrant", "suspect"]
    g.vs["notice"] = [None, NOTICE]
    g.vs["role"] = [None, "organiser-secret"]
    g.es["weight"] = [1.0]
    return g


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_node_exports_its_id_and_notice_only(fmt: str) -> None:
    text = exported(hidden_graph(), fmt)
    for leak in (SECRET, "Vessel", "suspect", "organiser-secret"):
        assert leak not in text
    assert "p-9" in text
    # The visible node is all there.
    assert "Hawre Aziz" in text
    assert "migrant" in text


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_hidden_node_reads_back_with_the_notice(fmt: str) -> None:
    node = read(hidden_graph(), fmt).nodes["p-9"]
    assert {k: v for k, v in node.items() if v is not None} == {"notice": NOTICE}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
@pytest.mark.parametrize("graph", [ig.Graph(), project(EDGES.empty_table(), NODES.empty_table())])
def test_empty_graph(fmt: str, graph: ig.Graph) -> None:
    h = read(graph, fmt)
    assert h.number_of_nodes() == 0
    assert h.number_of_edges() == 0


def test_empty_graph_in_cypher_is_the_constraint_alone() -> None:
    statements = split_statements(exported(ig.Graph(), "cypher"))
    assert len(statements) == 1
    assert statements[0].startswith("CREATE CONSTRAINT")


def test_unknown_format_is_refused_before_anything_is_written() -> None:
    out = io.StringIO()
    with pytest.raises(UnknownFormatError, match="gexf, graphml, cypher") as info:
        write(projection(), "dot", out)
    assert isinstance(info.value, UndertowError)
    assert out.getvalue() == ""


def test_a_stream_not_in_utf8_is_refused(tmp_path: Path) -> None:
    with (
        open(tmp_path / "g.gexf", "w", encoding="latin-1") as out,
        pytest.raises(ExportError, match="utf-8"),
    ):
        write(projection(), "gexf", out)


def test_duplicate_names_are_refused() -> None:
    g = ig.Graph(2)
    g.vs["name"] = ["a", "a"]
    with pytest.raises(ExportError, match="unique"):
        write(g, "graphml", io.StringIO())


# -- Cypher, decoded by a small reader of the literals the script uses -------------

ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def cypher_string(text: str, i: int) -> tuple[str, int]:
    """A single-quoted Cypher string at ``text[i]``: (value, index after it)."""
    assert text[i] == "'"
    out, i = [], i + 1
    while text[i] != "'":
        c = text[i]
        # The writer escapes every control character: each row stays on one line.
        assert ord(c) >= 0x20, f"raw control character in {text[i - 20 : i]!r}"
        assert c != "\x7f"
        if c != "\\":
            out.append(c)
            i += 1
        elif text[i + 1] in "uU":
            width = 4 if text[i + 1] == "u" else 8
            out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(ESCAPES[text[i + 1]])
            i += 2
    return "".join(out), i + 1


def cypher_value(text: str, i: int) -> tuple[Any, int]:
    while text[i] in " \n":
        i += 1
    c = text[i]
    if c == "'":
        return cypher_string(text, i)
    if c in "[{":
        close, i = "]" if c == "[" else "}", i + 1
        items: list[Any] = []
        while True:
            while text[i] in " \n,":
                i += 1
            if text[i] == close:
                return (items if c == "[" else dict(items)), i + 1
            if c == "[":
                item, i = cypher_value(text, i)
            else:
                if text[i] == "`":
                    end = i + 1
                    while text[end] != "`" or text[end + 1 : end + 2] == "`":
                        end += 2 if text[end] == "`" else 1
                    key, i = text[i + 1 : end].replace("``", "`"), end + 1
                else:
                    m = NAME.match(text, i)
                    assert m, text[i : i + 20]
                    key, i = m.group(), m.end()
                assert text[i : i + 2] == ": ", text[i : i + 20]
                value, i = cypher_value(text, i + 2)
                item = (key, value)
            items.append(item)
    for word, value in (("true", True), ("false", False)):
        if text.startswith(word, i):
            return value, i + len(word)
    m = NUMBER.match(text, i)
    assert m, text[i : i + 20]
    number: Any = float(m.group()) if m.group(1) or m.group(2) else int(m.group())
    if text[m.end()] == "/":  # 0.0/0.0, 1.0/0.0: the script's NaN and infinities
        d = NUMBER.match(text, m.end() + 1)
        assert d
        assert float(d.group()) == 0.0
        return (math.nan if number == 0 else math.copysign(math.inf, number)), d.end()
    return number, m.end()


def split_statements(script: str) -> list[str]:
    """Statements split at ``;`` outside string literals, as cypher-shell splits them."""
    statements, start, i = [], 0, 0
    lines = [line for line in script.split("\n") if not line.startswith("//")]
    script = "\n".join(lines)
    while i < len(script):
        if script[i] == "'":
            _, i = cypher_string(script, i)
            continue
        if script[i] == ";":
            statements.append(script[start:i].strip())
            start = i + 1
        i += 1
    assert script[start:].strip() == ""
    return statements


def unwinds(script: str) -> list[tuple[list[dict[str, Any]], str]]:
    """Each ``UNWIND`` statement as (its rows, the clause run on them)."""
    out = []
    for statement in split_statements(script)[1:]:
        assert statement.startswith("UNWIND [")
        rows, end = cypher_value(statement, len("UNWIND "))
        assert statement[end:].startswith("\n] AS row\n") or statement[end:].startswith(" AS row\n")
        out.append((rows, statement[end:].split("AS row\n", 1)[1]))
    return out


def test_cypher_reader_is_honest() -> None:
    assert cypher_string(r"'a\'b\\c\nd\u00e9\U0001F600'", 0) == ("a'b\\c\ndé😀", 28)
    assert cypher_value("{a: [1, -2.5e3, 'x'], `b c`: true}", 0)[0] == {
        "a": [1, -2500.0, "x"],
        "b c": True,
    }
    with pytest.raises(AssertionError):
        cypher_string("'a\nb'", 0)


@pytest.mark.parametrize("directed", [False, True])
def test_cypher_decodes_back_to_the_graph(directed: bool) -> None:
    g = projection(directed)
    script = exported(g, "cypher")
    assert split_statements(script)[0] == (
        "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE"
    )
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[Any, dict[str, Any]] = {}
    for rows, clause in unwinds(script):
        if clause.startswith("MERGE (n:Entity {id: row.id}) SET n += row"):
            label = clause.removeprefix("MERGE (n:Entity {id: row.id}) SET n += row")
            for row in rows:
                schema = row.get("schema")
                want = "" if schema is None else ", n:" + re.sub(r"\W", "_", schema)
                assert label == want
                assert want.isascii()
                nodes[row.pop("id")] = row
        else:
            arrow = "->" if directed else "-"
            assert clause == (
                "MATCH (a:Entity {id: row.s}) MATCH (b:Entity {id: row.t}) "
                f"MERGE (a)-[r:TIE]{arrow}(b) SET r += row.p"
            )
            for row in rows:
                key = (row["s"], row["t"]) if directed else frozenset((row["s"], row["t"]))
                edges[key] = row["p"]
    want_nodes = {}
    for v in g.vs:
        attrs = {k: x for k, x in v.attributes().items() if x is not None and k != "name"}
        want_nodes[v["name"]] = {"notice": v["notice"]} if v["notice"] is not None else attrs
    assert nodes == want_nodes  # lists stay lists in Neo4j
    assert edges == {
        (
            (g.vs[e.source]["name"], g.vs[e.target]["name"])
            if directed
            else frozenset((g.vs[e.source]["name"], g.vs[e.target]["name"]))
        ): e.attributes()
        for e in g.es
    }


def test_cypher_batches() -> None:
    g = projection()
    script = exported(g, "cypher", batch=2)
    batches = unwinds(script)
    by_clause: dict[str, list[int]] = {}
    for rows, clause in batches:
        by_clause.setdefault(clause, []).append(len(rows))
    # Full batches of 2 and at most one short one per clause (per label for nodes).
    for sizes in by_clause.values():
        assert all(s == 2 for s in sizes[:-1])
        assert 1 <= sizes[-1] <= 2
    assert sum(sum(s) for c, s in by_clause.items() if "row.id" in c) == g.vcount()
    assert sum(sum(s) for c, s in by_clause.items() if "row.s" in c) == g.ecount()
    labels = {"Person": 3, "Company": 1, "Legal_Entity_": 1, "": 1}  # p-5 is hidden
    assert len(split_statements(script)) == 1 + sum(-(-n // 2) for n in labels.values()) + 3
    with pytest.raises(ExportError):
        exported(g, "cypher", batch=0)


def test_cypher_keys_that_are_not_identifiers_are_quoted() -> None:
    g = ig.Graph(1)
    g.vs["name"], g.vs["odd `key`"], g.vs["id"] = ["a"], ["v"], ["not the id"]
    [(rows, _)] = unwinds(exported(g, "cypher"))
    assert rows == [{"id": "a", "odd `key`": "v"}]


# -- any text, any format --------------------------------------------------------

ids = st.text(
    st.characters(exclude_categories=("Cc", "Cs")).filter(lambda c: c not in "\ufffe\uffff"),
    max_size=12,
)


def xml_can_carry(c: str) -> bool:
    o = ord(c)
    return c in "\t\n\r" or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


@settings(max_examples=60, deadline=None)
@given(st.lists(ids, min_size=2, max_size=2, unique=True), st.text(max_size=30))
def test_any_text_round_trips(names: list[str], label: str) -> None:
    g = ig.Graph([(0, 1)])
    g.vs["name"], g.vs["label"] = names, [label, None]
    g.es["layers"] = [[label, "call"]]
    xml_label = "".join(c if xml_can_carry(c) else "\ufffd" for c in label)
    for fmt in ("gexf", "graphml"):
        h = read(g, fmt)
        assert set(h.nodes) == set(names)
        assert h.nodes[names[0]]["label"] == xml_label
        assert h.edges[names[0], names[1]]["layers"] == xml_label + ";call"
    [(nodes, _), (edges, _)] = unwinds(exported(g, "cypher"))
    assert {r["id"] for r in nodes} == set(names)
    assert next(r for r in nodes if r["id"] == names[0])["label"] == label
    assert edges == [{"s": names[0], "t": names[1], "p": {"layers": [label, "call"]}}]
