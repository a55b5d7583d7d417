"""PyIceberg side of the iceberg benchmark: appends the same Arrow batches, one append per batch.

argv[1]: JSON {"catalog": {...PyIceberg catalog properties...}, "table": "ns.name", "warmup_table": "ns.name",
"warmup_appends": N, "ipc": "/path/batches.arrows"}
Appends N batches (cycling through them) to warmup_table first (untimed, like the TypeScript side's warm-up),
so lazy imports and first-use costs stay out of the figures.
Prints JSON {"rows": N, "seconds": S, "commit_ms": [...]} (time of each append call, load excluded).
"""
import json
import sys
import time

import pyarrow as pa
import pyarrow.ipc as ipc
from pyiceberg.catalog import load_catalog


def main():
    config = json.loads(sys.argv[1])
    catalog = load_catalog("bench", **config["catalog"])
    with open(config["ipc"], "rb") as source:
        reader = ipc.open_stream(source)
        batches = [batch for batch in reader]
    warmup = catalog.load_table(config["warmup_table"])
    for i in range(config["warmup_appends"]):
        warmup.append(pa.Table.from_batches([batches[i % len(batches)]]))
    table = catalog.load_table(config["table"])
    commit_ms = []
    rows = 0
    started = time.perf_counter()
    for batch in batches:
        t0 = time.perf_counter()
        table.append(pa.Table.from_batches([batch]))
        commit_ms.append((time.perf_counter() - t0) * 1000)
        rows += batch.num_rows
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "commit_ms": commit_ms}))


main()
