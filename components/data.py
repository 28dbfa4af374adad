"""Loading the catalog once per dataset and sharing it across sessions (docs/architecture.md, "One rerun")."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from components import text
from incidents import engine
from incidents.about import Coverage, SourceShares
from incidents.airspace import FACT_COLUMNS, zone_facts
from incidents.catalog import DATA_ENV, Catalog, data_path, display_path, load_catalog, record_files
from incidents.dataset import Dataset, InMemory, prepare_held
from incidents.layers import Layer, layers_path, load_layers
from incidents.problems import Problem
from incidents.queried import is_queried, open_queried
from incidents.releases import Book, Release, load_release, read_book, releases_path

# How long a dataset signature is trusted before the files are looked at again. A folder of
# 300 records is 300 stats; done on every rerun that is most of a rerun's file-system work,
# and an edited record still reloads within a couple of seconds.
SIGNATURE_SECONDS = 2.0
_signatures: dict[str, tuple[float, tuple]] = {}


def dataset_signature(path: Path, now: float | None = None) -> tuple:
    """Cheap fingerprint (names, sizes, mtimes) so an edited record reloads the catalog; at
    most once per SIGNATURE_SECONDS per path. The cache is keyed by this small tuple, never
    by a DataFrame."""
    now = time.monotonic() if now is None else now
    seen = _signatures.get(str(path))
    if seen is not None and now - seen[0] < SIGNATURE_SECONDS:
        return seen[1]
    files = record_files([path]) if path.is_dir() else [path]
    signature = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    _signatures[str(path)] = (now, signature)
    return signature


# Airspace facts (incidents/airspace.py) cost about 5 s at 100k incidents, so above this many
# they are not computed at load: the zone filter and the panel's facts say so.
FACTS_ROW_LIMIT = 20_000


@st.cache_resource(show_spinner="Loading airspace layers…", max_entries=2)
def _layers(extra: str, signature: tuple) -> tuple[list[Layer], list[Problem]]:
    return load_layers(Path(extra) if extra else None)


def _layers_signature() -> tuple:
    extra = layers_path()
    if extra is None or not extra.is_dir():
        return (str(extra),)
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(extra.iterdir()) if p.is_file())


def current_layers() -> tuple[list[Layer], list[Problem]]:
    """The shipped layers and those of $INCIDENTS_LAYERS, with the problems of bad files."""
    return _layers(str(layers_path() or ""), _layers_signature())


@st.cache_resource(show_spinner="Loading incidents…", max_entries=4)
def _load(path: str, signature: tuple, layers_signature: tuple) -> Catalog:
    return _prepared(load_catalog(Path(path)))


def _prepared(catalog: Catalog) -> Catalog:
    """Per-row presentation columns and airspace facts, computed once per loaded dataset."""
    prepare_held(catalog)
    if len(catalog.frame) <= FACTS_ROW_LIMIT:
        facts = zone_facts(catalog.frame, current_layers()[0])
        for column in FACT_COLUMNS:
            catalog.frame[column] = facts[column]
    return catalog


def _existing_data_path() -> Path:
    path = data_path()
    if not path.exists():
        text.error("The dataset {} does not exist. Set {} to a folder of YAML records or a CSV, "
                   "Parquet, JSON or GeoJSON file in the export format, or unset it for the curated data.",
                   path, DATA_ENV)  # fmt: skip
        st.stop()
    return path


@st.cache_resource(show_spinner=False, max_entries=4)
def _held(path: str, signature: tuple, layers_signature: tuple, name: str) -> InMemory:
    return InMemory(_load(path, signature, layers_signature), _engine(path, signature, layers_signature, name))


@st.cache_resource(show_spinner="Preparing the file for queries: validated and sorted once, then opened in seconds…",
                   max_entries=2)  # fmt: skip
def _queried(path: str, signature: tuple, name: engine.EngineName) -> Dataset:
    return open_queried(Path(path), display_path(Path(path)), name)


def current_dataset() -> Dataset:
    """The dataset the page shows: a Parquet file of more than ``QUERIED_ABOVE_ROWS`` rows
    queried where it lies (DuckDB, or $INCIDENTS_ENGINE=spark), else the data held in memory,
    filtered by pandas or $INCIDENTS_ENGINE (incidents/dataset.py)."""
    path = _existing_data_path()
    name = _engine_name()
    if is_queried(path):
        return _queried(str(path), dataset_signature(path), "spark" if name == "spark" else "duckdb")
    return _held(str(path), dataset_signature(path), _layers_signature(), name)


@st.cache_resource(max_entries=4)
def _about(version: str, _data: Dataset) -> tuple[tuple[Coverage, ...], SourceShares | None]:
    return _data.about()


def about_data(data: Dataset) -> tuple[tuple[Coverage, ...], SourceShares | None]:
    """The collections' coverage and the sources' shares, once per dataset version."""
    return _about(data.version, data)


def _releases_signature(folder: Path) -> tuple:
    if not folder.is_dir():
        return (str(folder),)
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())


@st.cache_resource(show_spinner=False, max_entries=2)
def _book(folder: str, signature: tuple) -> Book:
    return read_book(Path(folder))


def current_releases() -> Book:
    """The data releases (incidents/releases.py): index and manifests, read once per change."""
    folder = releases_path()
    return _book(str(folder), _releases_signature(folder))


@st.cache_resource(show_spinner="Loading the release…", max_entries=4)
def _release(folder: str, version: str, signature: tuple, layers_signature: tuple) -> tuple[Catalog | None, str]:
    book = read_book(Path(folder))
    release = book.find(version)
    if release is None:
        return None, "it is no longer listed"
    catalog, why = load_release(book, release)
    return (_prepared(catalog) if catalog is not None else None), why


def release_catalog(book: Book, release: Release) -> tuple[Catalog | None, str]:
    """A release's snapshot as a catalog like the current one, or why it cannot be shown."""
    return _release(str(book.folder), release.version, _releases_signature(book.folder), _layers_signature())


@st.cache_resource(show_spinner=False, max_entries=4)
def _release_dataset(version: str, _catalog: Catalog) -> InMemory:
    return InMemory(_catalog, engine.over_frame(_catalog.frame, IN_MEMORY_ENGINE))


def release_dataset(catalog: Catalog) -> InMemory:
    """A release's catalog (``asof=``), a small snapshot of curated data, filtered in memory."""
    return _release_dataset(catalog.version, catalog)


# A catalog held in memory is filtered in memory unless $INCIDENTS_ENGINE asks for a query
# engine: at a few hundred incidents pandas answers in a millisecond, where building and
# compiling a query costs ~10 ms (bench/engines.md).
IN_MEMORY_ENGINE: engine.EngineName = "pandas"


@st.cache_resource(show_spinner="Starting the query engine…", max_entries=4)
def _engine(path: str, signature: tuple, layers_signature: tuple, name: str) -> engine.Engine:
    catalog = _load(path, signature, layers_signature)
    return engine.over_frame(catalog.frame, name)  # type: ignore[arg-type]


def _engine_name() -> engine.EngineName:
    """$INCIDENTS_ENGINE (duckdb, pandas, spark; Spark at $INCIDENTS_SPARK_MASTER), else pandas
    for the catalog in memory."""
    try:
        return engine.configured_engine() or IN_MEMORY_ENGINE
    except ValueError as error:
        text.error("{}", str(error))
        st.stop()
