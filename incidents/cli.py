"""``python -m incidents``: validate, schema, geocode, layers, release (and the research outputs: export, publish)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from incidents import datapackage, export, publish, releases, safe_text
from incidents.about import source_shares
from incidents.catalog import DATA_DIR, RECORD_SUFFIXES, Catalog, data_path, load_catalog, record_files
from incidents.geo import Gazetteer, geocode_online
from incidents.model import record_schema
from incidents.problems import Problem
from incidents.queried import RECORD_ROWS, Queried, is_queried, open_queried
from incidents.records import read_record
from incidents.stats import counts_markdown, readme_blocks
from incidents.view import MAX_LINK_CHARS, ViewState, parse_view, view_query


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [data_path()]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    known = _shipped_ids() if args.paths else set()
    catalog = load_catalog(paths, known_ids=known)
    problems = catalog.problems + catalog.check_rows()
    for problem in problems:
        print(problem)
    files = sum(1 for p in paths if p.is_file() and p.suffix not in RECORD_SUFFIXES) or len(record_files(paths))
    bad = len(catalog.rejected_files)
    if any(p.is_file() and p.suffix not in RECORD_SUFFIXES for p in paths):
        valid = len(catalog.records) - len({problem.path for problem in problems if problem.path.startswith("row ")})
        print(f"{valid} valid rows, {len(problems)} problems")
    else:
        print(f"{files} files: {len(catalog.records)} valid, {bad} invalid ({len(problems)} problems)")
    return 1 if problems else 0


def _shipped_ids() -> set[str]:
    return {path.stem for path in record_files([DATA_DIR])}


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(record_schema(), indent=2))
    return 0


def cmd_geocode(args: argparse.Namespace) -> int:
    gazetteer = Gazetteer.load(Path(args.gazetteer))
    names = sorted(
        {
            result.data["location"]["name"]
            for result in (read_record(path) for path in record_files([Path(p) for p in args.paths] or [DATA_DIR]))
            if result.incident is not None
            and result.data is not None
            and result.incident.location.lat is None
            and gazetteer.lookup(result.incident.location.name) is None
        }
    )
    if not names:
        print("every location has coordinates or a gazetteer entry")
        return 0
    if not args.online:
        for name in names:
            print(f"unresolved: {name}")
        print(f"{len(names)} place names are not in {args.gazetteer}; rerun with --online to ask Nominatim")
        return 1
    missing = geocode_online(names, gazetteer)
    gazetteer.save()
    print(f"geocoded {len(names) - len(missing)} of {len(names)} names into {args.gazetteer}")
    for name in missing:
        print(f"not found: {name}")
    return 1 if missing else 0


def _query(args: argparse.Namespace) -> str:
    """The link to export: --query, or --query-file for links too long for a shell."""
    if not args.query_file:
        return cast(str, args.query)  # argparse attributes are Any; --query defaults to ""
    with open(args.query_file, encoding="utf-8") as handle:
        # Reading a little past the link limit is enough to refuse an oversized link.
        return handle.read(2 * MAX_LINK_CHARS).strip()


def _open_view(args: argparse.Namespace) -> tuple[Catalog | Queried, ViewState] | int:
    """The dataset and the view a link asks for, as ``export`` and ``publish`` read them, or
    the exit code after saying what is wrong (a malformed query, a missing dataset). A large
    Parquet file is queried where it lies, as the page does (incidents/dataset.py)."""
    parsed = parse_view(_query(args))
    if parsed.notices:
        for notice in parsed.notices:
            print(f"invalid query: {notice}", file=sys.stderr)
        return 2
    state = parsed.state
    path = Path(args.data) if args.data else data_path()
    if not state.as_of and not path.exists():
        print(f"no such dataset: {path}", file=sys.stderr)
        return 2
    catalog: Catalog | Queried | None
    if state.as_of:
        catalog = _release_catalog(state.as_of, args.releases)
    elif is_queried(path):
        catalog = _queried(path)
    else:
        catalog = load_catalog(path)
    if catalog is None:
        return 2
    if catalog.problems:
        print(
            f"warning: {len(catalog.rejected_files)} record files could not be loaded (run validate)", file=sys.stderr
        )
    if state.version and state.version != catalog.version:
        print(f"note: the link was made with dataset version {state.version}; the data is now {catalog.version}",
              file=sys.stderr)  # fmt: skip
    return catalog, state


def _queried(path: Path) -> Queried | None:
    opened = open_queried(path, str(path))
    if isinstance(opened, Queried):
        return opened
    for problem in opened.problems:  # refused whole: too many rows, required columns missing
        print(problem, file=sys.stderr)
    return None


def _of_view(data: Catalog | Queried, state: ViewState) -> Catalog | None:
    """The catalog to write a view from: a queried file's view as a catalog of its own rows,
    or None (said why) when it is larger than records are built for."""
    if isinstance(data, Catalog):
        return data
    total = data.engine.count(state)
    if total > RECORD_ROWS:
        print(f"a view of {total:,} incidents is larger than {RECORD_ROWS:,}: it is written as the file's own rows, "
              "with --format csv or parquet and -o FILE", file=sys.stderr)  # fmt: skip
        return None
    return data.view_catalog(state)


def _report(written: int, problems: list[Problem]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        rows = len({problem.path for problem in problems})
        print(f"wrote {written} incidents; left out {rows} invalid rows", file=sys.stderr)
        return 1
    if not written:
        print("note: the view is empty; wrote a valid file with no incidents", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.format in BINARY_FORMATS and args.output in (None, "-"):
        print(f"{args.format} needs -o FILE", file=sys.stderr)
        return 2
    opened = _open_view(args)
    if isinstance(opened, int):
        return opened
    data, state = opened
    rows_out = args.format in ROW_FORMATS and args.output not in (None, "-")
    if isinstance(data, Queried) and rows_out and data.engine.count(state) > RECORD_ROWS:
        written = data.write_rows(state, Path(args.output), args.format)
        print(f"wrote {written:,} incidents, the file's own rows, to {args.output}", file=sys.stderr)
        return _report(written, [])
    catalog = _of_view(data, state)
    if catalog is None:
        return 2
    result = export.export_view(catalog, state, args.format)
    _write(result.content, args.output)
    return _report(result.written, result.problems)


def cmd_publish(args: argparse.Namespace) -> int:
    """The view as one self-contained HTML file (incidents/publish.py)."""
    opened = _open_view(args)
    if isinstance(opened, int):
        return opened
    data, state = opened
    catalog = _of_view(data, state)
    if catalog is None:
        return 2
    base = args.base_url.split("?")[0] if args.base_url else ""
    link = f"{base}?{view_query(state)}" if base else ""
    result = publish.publish_view(catalog, state, link)
    output = args.output or publish.file_name(state, catalog.version, date.today())
    Path(output).write_text(result.content, encoding="utf-8")
    size = len(result.content.encode("utf-8"))
    print(f"wrote {result.written:,} incidents to {output} ({size / 1_000_000:.1f} MB)", file=sys.stderr)
    return _report(result.written, result.problems)


BINARY_FORMATS = ("parquet", "zip")
ROW_FORMATS = ("csv", "parquet")  # a large queried view is written as the file's own rows


def _release_catalog(version: str, folder: str | None) -> Catalog | None:
    """The snapshot of the release a link's ``asof=`` names, or None after saying why."""
    book = releases.read_book(Path(folder) if folder else releases.releases_path())
    release = book.find(version)
    if release is None:
        known = ", ".join(r.version for r in book.releases) or "none"
        problems = "".join(f"; {problem}" for problem in book.problems)
        print(f"asof={version}: no such release in {book.folder} (known: {known}){problems}", file=sys.stderr)
        return None
    catalog, why = releases.load_release(book, release)
    if catalog is None:
        print(f"asof={version}: the release cannot be shown: {why}", file=sys.stderr)
    return catalog


def cmd_release(args: argparse.Namespace) -> int:
    """Snapshot, manifest and CHANGELOG entry of the current data (a no-op if already released)."""
    path = Path(args.data) if args.data else data_path()
    if not path.exists():
        print(f"no such dataset: {path}", file=sys.stderr)
        return 2
    folder = Path(args.releases) if args.releases else releases.releases_path()
    changelog = Path(args.changelog) if args.changelog else folder.resolve().parent / "CHANGELOG.md"
    day = date.fromisoformat(args.date) if args.date else datetime.now(UTC).date()
    made = releases.make_release(load_catalog(path), folder, day, changelog)
    print(made.message)
    if made.release is None:
        return 0 if made.message.startswith("nothing to release") else 1
    changes = made.diff
    print(f"{len(changes.added)} added, {len(changes.removed)} removed, {len(changes.changed)} changed; "
          f"snapshot {made.release.snapshot} ({made.release.snapshot_bytes:,} bytes); {changelog} updated")  # fmt: skip
    return 0


def _write(content: str | bytes, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
    elif isinstance(content, bytes):
        Path(output).write_bytes(content)
    else:
        Path(output).write_text(content, encoding="utf-8")


def cmd_datapackage(args: argparse.Namespace) -> int:
    text = datapackage.dumps(datapackage.descriptor(args.path))
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    catalog = load_catalog(data_path())
    table = counts_markdown(catalog.frame)
    if args.readme:
        readme = Path(args.readme)
        text = readme_blocks(readme.read_text(encoding="utf-8"), catalog.frame, source_shares(catalog.records.values()))
        readme.write_text(text, encoding="utf-8")
    else:
        print(table)
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from incidents.synth import write_synthetic

    write_synthetic(args.n, args.seed, Path(args.output))
    print(f"wrote {args.n:,} synthetic incidents (seed {args.seed}) to {args.output}")
    return 0


def cmd_layers(args: argparse.Namespace) -> int:
    """List the layers and their problems, or convert a source into a shipped layer."""
    if args.action == "check":
        from incidents.layers import load_layers

        layers, problems = load_layers()
        for layer in layers:
            print(f"{layer.id}: {layer.meta.kind}, {len(layer.features)} features, {layer.meta.authority}")
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    if not args.source or not args.output:
        print("layers tracks|firs needs --source DIR and -o FILE", file=sys.stderr)
        return 2
    from incidents import firs, tracks

    source = Path(args.source)
    if not source.is_dir():
        print(f"no such folder: {source}", file=sys.stderr)
        return 2
    commit = args.commit or tracks.source_commit(source)
    write = tracks.write_tracks if args.action == "tracks" else firs.write_firs
    count = write(source, Path(args.output), commit)
    print(f"wrote {count:,} features from {source} (commit {commit or 'unknown'}) to {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m incidents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check records; exit 1 if any is invalid")
    validate.add_argument("paths", nargs="*", help="record files or folders (default: the shipped data)")
    validate.set_defaults(run=cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of a record")
    schema.set_defaults(run=cmd_schema)

    geocode = commands.add_parser("geocode", help="resolve location names without coordinates")
    geocode.add_argument("paths", nargs="*", help="record files or folders (default: the shipped data)")
    geocode.add_argument("--online", action="store_true", help="ask Nominatim for names the cache lacks")
    geocode.add_argument("--gazetteer", default=str(Path(__file__).parent / "gazetteer.yaml"))
    geocode.set_defaults(run=cmd_geocode)

    exporter = commands.add_parser("export", help="write the incidents a shared link shows")
    exporter.add_argument("--query", default="", help="the link's query string, with or without '?', or the whole URL")
    exporter.add_argument("--query-file", help="read the query string (or URL) from this file instead of --query")
    exporter.add_argument("--format", choices=export.CLI_FORMATS, default="csv")
    exporter.add_argument("-o", "--output", help="output file (default: standard output)")
    exporter.add_argument("--data", help="dataset folder or file (default: $INCIDENTS_DATA or the curated data)")
    exporter.add_argument("--releases", help="releases folder for asof= (default: $INCIDENTS_RELEASES or releases/)")
    exporter.set_defaults(run=cmd_export)

    release = commands.add_parser("release", help="snapshot the data as a release, with manifest and CHANGELOG entry")
    release.add_argument("--data", help="dataset folder or file (default: $INCIDENTS_DATA or the curated data)")
    release.add_argument("--releases", help="releases folder (default: $INCIDENTS_RELEASES or releases/)")
    release.add_argument("--changelog", help="the changelog to update (default: CHANGELOG.md beside the releases)")
    release.add_argument("--date", help="release date, YYYY-MM-DD (default: today, UTC)")
    release.set_defaults(run=cmd_release)
    publisher = commands.add_parser("publish", help="write the view a shared link shows as one self-contained web page")
    publisher.add_argument("--query", default="", help="the link's query string, with or without '?', or the whole URL")
    publisher.add_argument("--query-file", help="read the query string (or URL) from this file instead of --query")
    publisher.add_argument("-o", "--output", help="output file (default: a name that carries the view, in this folder)")
    publisher.add_argument("--data", help="dataset folder or file (default: $INCIDENTS_DATA or the curated data)")
    publisher.add_argument(
        "--base-url", help="the dashboard's address, for the page's citation link (default: the query alone)"
    )
    publisher.add_argument("--releases", help="releases folder, for asof= (default: $INCIDENTS_RELEASES or releases/)")
    publisher.set_defaults(run=cmd_publish)

    package = commands.add_parser("datapackage", help="write the Frictionless datapackage.json of the CSV export")
    package.add_argument("--path", default=datapackage.CSV_PATH, help="the CSV file the package describes")
    package.add_argument("-o", "--output", help="output file (default: standard output)")
    package.set_defaults(run=cmd_datapackage)

    stats = commands.add_parser("stats", help="counts by region and type (the README's table)")
    stats.add_argument("--readme", help="rewrite the generated tables (counts, link keys) of this README")
    stats.set_defaults(run=cmd_stats)

    synth = commands.add_parser("synth", help="write a deterministic synthetic dataset (tests, benchmarks)")
    synth.add_argument("--n", type=int, default=100_000)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("-o", "--output", required=True, help="a .parquet or .csv file")
    synth.set_defaults(run=cmd_synth)

    layers = commands.add_parser("layers", help="check the airspace layers, or convert a source into one")
    layers.add_argument("action", choices=["check", "tracks", "firs"])
    layers.add_argument("--source", help="a clone of the source repository (tracks: PLA_Path_Database, firs: vatspy)")
    layers.add_argument("--commit", help="the source commit to record (default: the clone's HEAD)")
    layers.add_argument("-o", "--output", help="the GeoJSON file to write")
    layers.set_defaults(run=cmd_layers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return cast(int, args.run(args))  # argparse attributes are Any; every run is a cmd_* -> int
    except Exception as error:
        print(f"error: {type(error).__name__}: {safe_text.clean(error, 300)}", file=sys.stderr)
        return 2
