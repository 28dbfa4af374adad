"""A large flat Parquet file as a catalog the query engine reads, built in bounded memory.

``compile_parquet`` reads the export-format file one batch of rows at a time, validates each
with the same vectorised checks as a whole file (``tabular.validate_table``, one tally across
batches, so problems still read "N rows ..., e.g. row R (id: value)"), turns the valid rows
into catalog rows (``flat.catalog_frame``) and appends them to a catalog Parquet file, which
is then rewritten in date order (DuckDB's out-of-core sort). Memory holds one batch, never the
file. Ids repeated across batches are found afterwards by one
query and left out, as a whole file's checks would. The result is cached beside the system's
temporary files under the source's signature (path, size, mtime), so a later cold open only
opens it. Each catalog row keeps its row number in the source (``source_row``): the open
record and the downloads read those rows of the source (incidents/dataset.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from incidents.flat import catalog_frame
from incidents.problems import Problem
from incidents.tabular import (
    ROW,
    Tally,
    TooManyRows,
    file_version,
    max_queried_rows,
    parquet_rows,
    validate_table,
)

# Rows validated at a time. 50,000 peaked at 645 MB before the sort at 1M rows, 250,000 at
# 1,285 MB, and was no slower (12.7 s against 14.8 s).
BATCH_ROWS = 50_000
# DuckDB's memory and threads for a compile's own queries (the repeated ids, the sort): it
# spills to disk beyond. Under the engine's 1 GB on two threads a 10M-row compile peaked at
# 2.6 GB; 400 MB on two threads ran out of memory in the sort; 600 MB on one thread, with the
# batches streamed (``_batches``), peaks at 1.2 GB in about 4 minutes on this 2-core machine.
COMPILE_MEMORY = "600MB"
COMPILE_THREADS = 1
CACHE_ENV = "INCIDENTS_CACHE"
SOURCE_ROW = "source_row"  # the row a spreadsheet shows for the incident in the source file
TEXT = pa.string()
SCHEMA = pa.schema([pa.field(name, kind) for name, kind in [
    ("id", TEXT), ("title", TEXT), ("date", pa.timestamp("us")), ("end", pa.timestamp("us")),
    ("date_precision", TEXT), ("type", TEXT), ("escalation_risk", TEXT), ("verification", TEXT), ("region", TEXT),
    ("location_name", TEXT), ("lat", pa.float64()), ("lon", pa.float64()), ("radius_km", pa.float64()),
    ("initiator", TEXT), ("target", TEXT), ("initiators", TEXT), ("targets", TEXT), ("categories", TEXT),
    ("platforms", TEXT), ("behaviours", TEXT), ("collections", TEXT), ("series", TEXT), ("n_sources", pa.int64()),
    ("search_text", TEXT), ("source_urls", TEXT), ("row", pa.int64()), (SOURCE_ROW, pa.int64()),
]])  # fmt: skip


@dataclass(frozen=True)
class Compiled:
    """A compiled catalog: the Parquet file the engine reads, how many rows are valid, the
    problems of the others, and the source's version."""

    path: Path
    rows: int
    problems: list[Problem]
    version: str


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "atlas-compiled")


# Bumped when the compiled file's layout changes, so an older cached file is rebuilt
# (2: rows in date order; 3: the place name, behaviours, collections and source URLs, which
# the page, its printed table and the behaviour= and collection= filters read).
LAYOUT = 3


def _cache_key(source: Path) -> str:
    stat = source.stat()
    signature = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{max_queried_rows()}|{LAYOUT}"
    return hashlib.sha256(signature.encode()).hexdigest()[:16]


def compiled(source: Path, shown: str) -> Compiled:
    """The compiled catalog of ``source``, from the cache or built now."""
    target = cache_dir() / f"{source.stem}-{_cache_key(source)}.parquet"
    sidecar = target.with_suffix(".json")
    if target.exists() and sidecar.exists():
        saved = json.loads(sidecar.read_text(encoding="utf-8"))
        problems = [Problem(*problem) for problem in saved["problems"]]
        return Compiled(target, saved["rows"], problems, saved["version"])
    result = compile_parquet(source, target, shown)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = _own(sidecar)
    written.write_text(
        json.dumps({"rows": result.rows, "version": result.version,
                    "problems": [[p.path, p.field, p.message] for p in result.problems]}),
        encoding="utf-8",
    )  # fmt: skip
    written.replace(sidecar)
    return result


def _own(path: Path) -> Path:
    """A work file beside ``path`` that only this process and thread writes: replicas started
    together on a new file compile it at the same time into one cache, and a shared work file
    was read by one while the other still wrote it. Finished files replace the target whole."""
    return path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}")


def compile_parquet(source: Path, target: Path, shown: str) -> Compiled:
    """Validate ``source`` a batch at a time and write its valid rows as catalog rows."""
    total = parquet_rows(source)
    if total > max_queried_rows():
        return Compiled(target, 0, [Problem(shown, "(file)", str(TooManyRows(total, queried=True)))], "")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _own(target.with_suffix(".partial"))
    tally, problems, written, first_row = Tally(), list[Problem](), 0, 2
    with pq.ParquetWriter(partial, SCHEMA) as writer:
        for batch in _batches(source):
            valid, file_problems = validate_table(batch.to_pandas(), shown, first_row, tally)
            first_row += batch.num_rows
            if file_problems:  # required columns missing: no row of any batch can load
                problems = file_problems
                break
            rows = catalog_frame(valid.drop(columns=[ROW]))
            rows["row"] = np.arange(written, written + len(rows))
            order = _order(valid, rows)
            rows[SOURCE_ROW] = valid[ROW].to_numpy()[order]
            rows["source_urls"] = valid["source_urls"].astype(str).to_numpy()[order]
            writer.write_table(pa.Table.from_pandas(rows[SCHEMA.names], schema=SCHEMA, preserve_index=False))
            written += len(rows)
    repeated = _repeated_ids(partial, tally)
    if repeated:
        written -= _drop_rows(partial, repeated)
    ordered = _own(target)
    _in_date_order(partial, ordered)
    ordered.replace(target)
    problems = sorted(problems + tally.problems(shown))
    return Compiled(target, written, problems, file_version(source, written))


def _batches(source: Path) -> Iterator[pa.RecordBatch]:
    """The source's rows, BATCH_ROWS at a time, streamed: with pyarrow's default pre-buffering
    a file of 1M-row groups grew to 676 MB over 5M rows read; streamed it stays near 410 MB."""
    return pq.ParquetFile(source, pre_buffer=False, buffer_size=1 << 20).iter_batches(batch_size=BATCH_ROWS)


def _order(valid: Any, rows: Any) -> np.ndarray:
    """Positions in ``valid`` of the catalog rows (catalog_frame sorts by date and id)."""
    position = {incident_id: i for i, incident_id in enumerate(valid["id"].astype(str))}
    return np.array([position[incident_id] for incident_id in rows["id"]], dtype=np.int64)


@contextmanager
def _connection(spill: Path) -> Iterator[Any]:
    """A DuckDB connection within COMPILE_MEMORY, spilling to ``spill`` (removed after)."""
    import duckdb

    connection = duckdb.connect(
        config={"memory_limit": COMPILE_MEMORY, "temp_directory": str(spill), "threads": COMPILE_THREADS}
    )
    try:
        yield connection
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)


def _repeated_ids(path: Path, tally: Tally) -> list[int]:
    """Rows whose id an earlier row of the file already has (across batches), tallied."""
    with _connection(path.with_name(path.name + ".ids")) as connection:
        found = connection.execute(
            "SELECT row, id, source_row FROM (SELECT row, id, source_row, "
            "row_number() OVER (PARTITION BY id ORDER BY source_row) AS n FROM read_parquet(?)) WHERE n > 1 "
            "ORDER BY source_row",
            [str(path)],
        ).fetchall()
    if found:
        examples = [f"row {source_row} ({incident_id}: {incident_id[:40]!r})" for _, incident_id, source_row in found]
        tally.add("id", "repeat an earlier id", len(found), examples[:3])
    return [int(row) for row, _, _ in found]


def _drop_rows(path: Path, rows: list[int]) -> int:
    kept = path.with_name(path.name + ".dedup")
    with _connection(path.with_name(path.name + ".dropping")) as connection:
        connection.execute("CREATE TEMP TABLE dropped AS SELECT unnest(?::BIGINT[]) AS row", [rows])
        connection.execute(
            "COPY (SELECT * FROM read_parquet(?) WHERE row NOT IN (SELECT row FROM dropped)) TO ? (FORMAT parquet)",
            [str(path), str(kept)],
        )
    kept.replace(path)
    return len(rows)


def _in_date_order(partial: Path, target: Path) -> None:
    """Write the catalog ordered by date (and id), in bounded memory (DuckDB sorts out of core
    within COMPILE_MEMORY). Each Parquet row group then covers a span of dates, so a query for
    the newest rows (the drawn sample, the table) skips every older group; batches alone were
    ordered only within themselves."""
    try:
        with _connection(target.with_name(target.name + ".sorting")) as connection:
            connection.execute(
                "COPY (SELECT * FROM read_parquet(?) ORDER BY date, id) TO ? (FORMAT parquet)",
                [str(partial), str(target)],
            )
    finally:
        partial.unlink(missing_ok=True)
