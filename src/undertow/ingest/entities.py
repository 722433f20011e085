"""One submitted entity (a JSON line, or what a mapping made of a CSV row) to statements.

A record is stored whole or quarantined whole: if any of its values cannot be stored,
none are, and the raw record goes to the quarantine with every problem found. Half a
record stored and half set aside would silently change what the record says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from undertow.ingest.values import ValueProblem, cleaner_for
from undertow.model import Agency, namespaced_id, statement_id

if TYPE_CHECKING:
    from followthemoney.schema import Schema

# id, entity_id, local_id, schema, prop, prop_type, value, original_value
StatementRow = tuple[str, str, str, str, str, str, str, str | None]
BASE = "id"  # FtM's property name for the statement that an entity exists


@dataclass(frozen=True)
class Problem:
    code: str
    reason: str
    field: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "code": self.code, "reason": self.reason}


@dataclass
class Normalised:
    entity_id: str | None = None
    rows: list[StatementRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class EntityNormaliser:
    """Turns raw FtM entity dicts of one agency's report into statement rows."""

    def __init__(self, agency: Agency, report: str, max_value_bytes: int) -> None:
        from followthemoney import model

        self.model = model
        self.agency = agency
        self.report = report
        self.values = cleaner_for(agency, max_value_bytes)

    def normalise(self, data: Any, formats: Mapping[str, str] | None = None) -> Normalised:
        out = Normalised()
        if not isinstance(data, dict):
            out.problems.append(Problem("not_an_entity", "record is not a JSON object"))
            return out
        schema = self._schema(data.get("schema"), out)
        local_id = self._local_id(data.get("id"), out)
        properties = data.get("properties", {})
        if not isinstance(properties, dict):
            out.problems.append(
                Problem("not_an_entity", "'properties' is not an object", "properties")
            )
            return out
        if schema is None or local_id is None:
            return out
        entity_id = namespaced_id(self.agency.code, local_id)
        out.entity_id = entity_id
        add = self._adder(out, entity_id, local_id, schema.name)
        add(BASE, "id", entity_id, None)
        currencies: set[str] = set()
        for name, raw_values in properties.items():
            self._property(schema, name, raw_values, formats, add, out, currencies)
        self._currency(schema, properties, currencies, add, out)
        return out

    # -- parts -----------------------------------------------------------------

    def _schema(self, name: Any, out: Normalised) -> Schema | None:
        if not isinstance(name, str) or not name:
            out.problems.append(Problem("unknown_schema", "no schema given", "schema"))
            return None
        schema = self.model.get(name)
        if schema is None:
            out.problems.append(Problem("unknown_schema", f"unknown FtM schema {name!r}", "schema"))
            return None
        if schema.abstract:
            out.problems.append(
                Problem("unknown_schema", f"schema {name!r} is abstract in FtM", "schema")
            )
            return None
        return schema

    def _local_id(self, raw: Any, out: Normalised) -> str | None:
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str) or not raw.strip():
            out.problems.append(Problem("no_id", "entity has no id", "id"))
            return None
        return raw.strip()

    def _adder(self, out: Normalised, entity_id: str, local_id: str, schema: str) -> Any:
        agency, report = self.agency.code, self.report
        rows = out.rows

        def add(prop: str, prop_type: str, value: str, original: str | None) -> None:
            sid = statement_id(agency, report, entity_id, prop, value)
            orig = original if original is not None and original != value else None
            rows.append((sid, entity_id, local_id, schema, prop, prop_type, value, orig))

        return add

    def _property(
        self,
        schema: Schema,
        name: Any,
        raw_values: Any,
        formats: Mapping[str, str] | None,
        add: Any,
        out: Normalised,
        currencies: set[str],
    ) -> None:
        prop = schema.get(name)
        if prop is None or prop.stub:
            out.problems.append(
                Problem("unknown_property", f"{schema.name} has no property {name!r}", name)
            )
            return
        values = raw_values if isinstance(raw_values, list) else [raw_values]
        fmt = formats.get(name) if formats else None
        is_ref = prop.type.name == "entity"
        for raw in values:
            if type(raw) is str:
                text = raw
            elif raw is None:
                continue
            elif isinstance(raw, int | float) and not isinstance(raw, bool):
                text = str(raw)
            else:
                out.problems.append(
                    Problem("invalid_value", f"value is a {type(raw).__name__}, not text", name)
                )
                continue
            if not text or text.isspace():
                continue
            if is_ref:
                add(prop.name, "entity", namespaced_id(self.agency.code, text.strip()), text)
                continue
            try:
                value, currency = self.values.clean(prop, text, fmt)
            except ValueProblem as p:
                out.problems.append(Problem(p.code, p.reason, name))
                continue
            if currency is not None:
                currencies.add(currency)
            add(prop.name, prop.type.name, value, text)

    def _currency(
        self,
        schema: Schema,
        properties: dict[str, Any],
        found: set[str],
        add: Any,
        out: Normalised,
    ) -> None:
        """A currency written into an amount (``£4,500``) must agree with ``currency``."""
        if not found:
            return
        if len(found) > 1:
            out.problems.append(
                Problem("invalid_value", f"amounts in several currencies: {sorted(found)}")
            )
            return
        (currency,) = found
        prop = schema.get("currency")
        if prop is None:
            out.problems.append(
                Problem("invalid_value", f"{schema.name} cannot hold a currency ({currency})")
            )
            return
        given = {r[6] for r in out.rows if r[4] == "currency"}
        if not given:
            add("currency", prop.type.name, currency, None)
        elif currency not in given:
            out.problems.append(
                Problem(
                    "invalid_value",
                    f"amount is in {currency} but currency says {', '.join(sorted(given))}",
                    "currency",
                )
            )
