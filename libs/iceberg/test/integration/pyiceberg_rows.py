"""Prints every row of an Iceberg table as PyIceberg reads it, plus its schema's field ids (used by pyiceberg.int.spec.ts).

argv[1]: JSON {"catalog": {...PyIceberg catalog properties...}, "table": "ns.name", "columns": ["a", "b"]}
"""
import json
import sys

from pyiceberg.catalog import load_catalog


def field_ids(fields, prefix=""):
    out = {}
    for field in fields:
        out[prefix + field.name] = field.field_id
        nested = getattr(field.field_type, "fields", None)
        if nested:
            out.update(field_ids(nested, prefix + field.name + "."))
    return out


def main():
    config = json.loads(sys.argv[1])
    catalog = load_catalog("it", **config["catalog"])
    table = catalog.load_table(config["table"])
    rows = table.scan(selected_fields=tuple(config["columns"])).to_arrow().to_pylist()
    print(json.dumps({"rows": rows, "ids": field_ids(table.schema().fields)}, default=str))


main()
