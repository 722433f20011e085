"""A projection written out for other tools: GEXF 1.3 (Gephi), GraphML (Gephi, yEd,
networkx) and a Cypher script (Neo4j).

Every vertex attribute is exported (``name`` is the node id), typed boolean, long,
double or string from its values; lists are joined with ``;`` in the XML formats and
kept as lists in Cypher; a None is left out. Edges carry every edge attribute
(``weight``, ``layers``, ``count``...).

A vertex whose ``notice`` is set is a record the reader may not see: it is written with
its id and its notice only, whatever else the graph holds for it.

    >>> import io, igraph
    >>> g = igraph.Graph([(0, 1)])
    >>> g.vs["name"], g.vs["label"] = ["p-1", "p-2"], ["Hawre Aziz", "Bryar Salih"]
    >>> out = io.StringIO()
    >>> write(g, "gexf", out)
    >>> 'label="Hawre Aziz"' in out.getvalue()
    True

Write to a text stream opened as UTF-8 (``open(path, "w", encoding="utf-8")``): the
XML formats declare that encoding.
"""

from __future__ import annotations

import codecs
import math
import numbers
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from undertow.errors import UndertowError

if TYPE_CHECKING:
    import igraph as ig

FORMATS = ("gexf", "graphml", "cypher")


class ExportError(UndertowError):
    """The graph cannot be written as asked (duplicate ids, a stream not in UTF-8)."""


class UnknownFormatError(ExportError):
    """An export format that does not exist."""


def write(graph: ig.Graph, fmt: str, stream: IO[str], *, batch: int = 1000) -> None:
    """Write ``graph`` to ``stream`` as ``fmt`` (one of :data:`FORMATS`).

    ``batch`` is the number of rows per ``UNWIND`` statement in Cypher: big enough that
    Neo4j is not slowed by round trips, small enough that one transaction stays small.
    """
    writers: dict[str, Callable[[_Graph, IO[str]], None]] = {
        "gexf": _gexf,
        "graphml": _graphml,
        "cypher": lambda g, out: _cypher(g, out, batch),
    }
    if fmt not in writers:
        raise UnknownFormatError(f"unknown export format {fmt!r}; formats are {', '.join(FORMATS)}")
    if batch < 1:
        raise ExportError(f"batch must be at least 1, not {batch}")
    encoding = getattr(stream, "encoding", None)
    if encoding and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        raise ExportError(f"the stream writes {encoding}; open it with encoding='utf-8'")
    writers[fmt](_Graph.of(graph), stream)


# -- typed columns ---------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # boolean | long | double | string
    values: list[Any]


@dataclass(frozen=True)
class _Graph:
    """What every writer needs, read once; hidden vertices' attributes already blanked."""

    directed: bool
    ids: list[str]
    vertex: list[_Column]
    edges: list[tuple[int, int]]
    edge: list[_Column]

    @classmethod
    def of(cls, graph: ig.Graph) -> _Graph:
        n = graph.vcount()
        names = graph.vs["name"] if "name" in graph.vs.attributes() else list(range(n))
        ids = [str(i if name is None else name) for i, name in enumerate(names)]
        if len(set(ids)) != n:
            raise ExportError("vertex names must be unique: they are the exported node ids")
        notice = graph.vs["notice"] if "notice" in graph.vs.attributes() else [None] * n
        hidden = [v is not None for v in notice]
        vertex = []
        for name in _ordered(graph.vs.attributes(), ("label", "schema", "category", "notice")):
            if name == "name":
                continue
            values = graph.vs[name]
            if name != "notice" and any(hidden):
                # Blank here, once, so that no writer can leak a hidden record.
                values = [None if h else v for v, h in zip(values, hidden, strict=True)]
            vertex.append(_Column(name, _kind(values), values))
        edge = [
            _Column(name, _kind(graph.es[name]), graph.es[name])
            for name in _ordered(graph.es.attributes(), ("weight", "layers", "count"))
        ]
        return cls(graph.is_directed(), ids, vertex, graph.get_edgelist(), edge)


def _ordered(names: Sequence[str], first: Sequence[str]) -> list[str]:
    return [n for n in first if n in names] + sorted(n for n in names if n not in first)


def _kind(values: Sequence[Any]) -> str:
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool | np.bool_):
            kinds.add("boolean")
        elif isinstance(v, numbers.Integral):
            # Past 64 bits no reader (Gephi, Neo4j) has an integer type for it.
            kinds.add("long" if -(2**63) <= int(v) < 2**63 else "string")
        elif isinstance(v, numbers.Real):
            kinds.add("double")
        else:
            return "string"
    if len(kinds) == 1:
        return kinds.pop()
    return "double" if kinds == {"long", "double"} else "string"


def _float(v: Any) -> str:
    x = float(v)
    if math.isfinite(x):
        return repr(x)
    # Spelled as Java (Gephi, yEd) and Python both parse them.
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _plain(kind: str, v: Any) -> str:
    """A value as text in a column of ``kind``."""
    if kind == "boolean":
        return "true" if v else "false"
    if kind == "long":
        return str(int(v))
    if kind == "double":
        return _float(v)
    if isinstance(v, list | tuple):
        return ";".join(str(x) for x in v if x is not None)
    return str(v)


# -- XML -------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all, escaped or not: replaced, not dropped, so the
# reader sees that something was there.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Newlines, tabs and CR in an attribute, and CR in text, are written as character
# references: a parser normalises the literal characters to spaces or LF.
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;"}
    | {"\t": "&#9;"}
)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _xattr(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s).translate(_ATTR)


def _xtext(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s).translate(_TEXT)


_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _gexf(g: _Graph, out: IO[str]) -> None:
    kind = "directed" if g.directed else "undirected"
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="{_XSI}" '
        'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
        "  <meta><creator>Undertow</creator></meta>\n"
        f'  <graph defaultedgetype="{kind}" mode="static">\n'
    )
    # label and weight are GEXF's own XML attributes, not declared ones.
    label = next((c for c in g.vertex if c.name == "label"), None)
    declared = [c for c in g.vertex if c.name != "label"]
    weight = next((c for c in g.edge if c.name == "weight" and c.kind in ("long", "double")), None)
    edge_declared = [c for c in g.edge if c is not weight]
    for cls, columns in (("node", declared), ("edge", edge_declared)):
        if columns:
            out.write(f'    <attributes class="{cls}" mode="static">\n')
            for i, c in enumerate(columns):
                out.write(f'      <attribute id="{i}" title="{_xattr(c.name)}" type="{c.kind}"/>\n')
            out.write("    </attributes>\n")

    def attvalues(columns: list[_Column], i: int) -> str:
        vals = "".join(
            f'<attvalue for="{k}" value="{_xattr(_plain(c.kind, c.values[i]))}"/>'
            for k, c in enumerate(columns)
            if c.values[i] is not None
        )
        return f"<attvalues>{vals}</attvalues>" if vals else ""

    out.write("    <nodes>\n")
    for i, node in enumerate(g.ids):
        text = (
            f' label="{_xattr(str(label.values[i]))}"'
            if label and label.values[i] is not None
            else ""
        )
        out.write(f'      <node id="{_xattr(node)}"{text}>{attvalues(declared, i)}</node>\n')
    out.write("    </nodes>\n    <edges>\n")
    for e, (s, t) in enumerate(g.edges):
        w = (
            f' weight="{_float(weight.values[e])}"'
            if weight and weight.values[e] is not None
            else ""
        )
        out.write(
            f'      <edge id="{e}" source="{_xattr(g.ids[s])}" target="{_xattr(g.ids[t])}"{w}>'
            f"{attvalues(edge_declared, e)}</edge>\n"
        )
    out.write("    </edges>\n  </graph>\n</gexf>\n")


def _graphml(g: _Graph, out: IO[str]) -> None:
    ns = "http://graphml.graphdrawing.org/xmlns"
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<graphml xmlns="{ns}" xmlns:xsi="{_XSI}" '
        f'xsi:schemaLocation="{ns} {ns}/1.0/graphml.xsd">\n'
    )
    for prefix, cls, columns in (("v", "node", g.vertex), ("e", "edge", g.edge)):
        for k, c in enumerate(columns):
            out.write(
                f'  <key id="{prefix}{k}" for="{cls}" attr.name="{_xattr(c.name)}" '
                f'attr.type="{c.kind}"/>\n'
            )

    def data(prefix: str, columns: list[_Column], i: int) -> str:
        return "".join(
            f'<data key="{prefix}{k}">{_xtext(_plain(c.kind, c.values[i]))}</data>'
            for k, c in enumerate(columns)
            if c.values[i] is not None
        )

    edgedefault = "directed" if g.directed else "undirected"
    out.write(f'  <graph id="G" edgedefault="{edgedefault}">\n')
    for i, node in enumerate(g.ids):
        out.write(f'    <node id="{_xattr(node)}">{data("v", g.vertex, i)}</node>\n')
    for e, (s, t) in enumerate(g.edges):
        out.write(
            f'    <edge source="{_xattr(g.ids[s])}" target="{_xattr(g.ids[t])}">'
            f"{data('e', g.edge, e)}</edge>\n"
        )
    out.write("  </graph>\n</graphml>\n")


# -- Cypher ----------------------------------------------------------------------

# Cypher string escapes; other control characters and lone surrogates as \uXXXX.
_CYPHER = {i: f"\\u{i:04x}" for i in [*range(0x20), 0x7F]} | {
    ord("\\"): "\\\\",
    ord("'"): "\\'",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("\b"): "\\b",
    ord("\f"): "\\f",
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_IDENTIFIER = re.compile("[A-Za-z_][A-Za-z0-9_]*")


def _cstr(s: str) -> str:
    """A Cypher single-quoted string literal; any other Unicode is written as is."""
    s = s.translate(_CYPHER)
    return "'" + _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s) + "'"


def _ckey(name: str) -> str:
    return name if _IDENTIFIER.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def _cvalue(kind: str, v: Any) -> str:
    if kind == "boolean":
        return "true" if v else "false"
    if kind == "long":
        return str(int(v))
    if kind == "double":
        x = float(v)
        if math.isfinite(x):
            return repr(x).replace("e+", "e")  # Cypher's exponent takes no '+'
        # Cypher has no literal for these; the expressions give them.
        return "0.0/0.0" if math.isnan(x) else ("1.0/0.0" if x > 0 else "-1.0/0.0")
    if isinstance(v, list | tuple):
        # Neo4j stores lists of strings as they are (``r.layers``).
        return "[" + ", ".join(_cstr(str(x)) for x in v if x is not None) + "]"
    return _cstr(str(v))


def _props(columns: list[_Column], i: int) -> list[tuple[str, str]]:
    return [(c.name, _cvalue(c.kind, c.values[i])) for c in columns if c.values[i] is not None]


def _cmap(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{_ckey(k)}: {v}" for k, v in pairs) + "}"


def _label(schema: Any) -> str:
    """A schema name as a Neo4j label: identifier characters only."""
    text = re.sub("[^A-Za-z0-9_]", "_", str(schema))
    return "_" + text if text[:1].isdigit() else text


def _cypher(g: _Graph, out: IO[str], batch: int) -> None:
    meaning = "" if g.directed else "; undirected: a TIE's direction means nothing"
    out.write(f"// Undertow network: {len(g.ids)} nodes, {len(g.edges)} ties{meaning}\n")
    out.write("CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;\n")
    schema = next((c for c in g.vertex if c.name == "schema"), None)
    # A label cannot be a parameter or a row value in Cypher: one run of batches per label.
    by_label: dict[str, list[int]] = defaultdict(list)
    for i in range(len(g.ids)):
        s = schema.values[i] if schema else None  # None for hidden vertices (blanked)
        by_label["" if s is None else _label(s)].append(i)
    # The id is the node's name; an attribute also called "id" must not replace it.
    columns = [c for c in g.vertex if c.name != "id"]
    for label, members in sorted(by_label.items()):
        add = f", n:{label}" if label else ""
        rows = (_cmap([("id", _cstr(g.ids[i])), *_props(columns, i)]) for i in members)
        _unwind(out, rows, batch, f"MERGE (n:Entity {{id: row.id}}) SET n += row{add}")
    arrow = "->" if g.directed else "-"
    rows = (
        _cmap([("s", _cstr(g.ids[s])), ("t", _cstr(g.ids[t])), ("p", _cmap(_props(g.edge, e)))])
        for e, (s, t) in enumerate(g.edges)
    )
    _unwind(
        out,
        rows,
        batch,
        "MATCH (a:Entity {id: row.s}) MATCH (b:Entity {id: row.t}) "
        f"MERGE (a)-[r:TIE]{arrow}(b) SET r += row.p",
    )


def _unwind(out: IO[str], rows: Iterable[str], batch: int, clause: str) -> None:
    chunk: list[str] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            out.write("UNWIND [\n" + ",\n".join(chunk) + f"\n] AS row\n{clause};\n")
            chunk = []
    if chunk:
        out.write("UNWIND [\n" + ",\n".join(chunk) + f"\n] AS row\n{clause};\n")
