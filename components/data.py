"""Loading the catalog once per dataset and sharing it across sessions (docs/architecture.md, "One rerun")."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from components import text
from components.palette import add_colour_columns, add_hover_column
from incidents.about import Coverage, SourceShares, coverage, curated_shares
from incidents.airspace import FACT_COLUMNS, zone_facts
from incidents.catalog import DATA_ENV, Catalog, data_path, load_catalog, record_files
from incidents.filters import COLOR_FIELDS
from incidents.layers import Layer, layers_path, load_layers
from incidents.problems import Problem
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
    """Per-row presentation columns, computed once per loaded dataset."""
    # A stable integer per row: charts carry it as customdata (compact) instead of ids.
    catalog.frame["row"] = range(len(catalog.frame))
    add_colour_columns(catalog.frame, COLOR_FIELDS)
    add_hover_column(catalog.frame)
    if len(catalog.frame) <= FACTS_ROW_LIMIT:
        facts = zone_facts(catalog.frame, current_layers()[0])
        for column in FACT_COLUMNS:
            catalog.frame[column] = facts[column]
    return catalog


def current_catalog() -> Catalog:
    path = data_path()
    if not path.exists():
        text.error("The dataset {} does not exist. Set {} to a folder of YAML records or a CSV, "
                   "Parquet, JSON or GeoJSON file in the export format, or unset it for the curated data.",
                   path, DATA_ENV)  # fmt: skip
        st.stop()
    return _load(str(path), dataset_signature(path), _layers_signature())


@st.cache_resource(max_entries=4)
def _about(version: str, _catalog: Catalog) -> tuple[tuple[Coverage, ...], SourceShares | None]:
    return coverage(_catalog.frame), curated_shares(_catalog.records)


def about_data(catalog: Catalog) -> tuple[tuple[Coverage, ...], SourceShares | None]:
    """The collections' coverage and the sources' shares, once per dataset version."""
    return _about(catalog.version, catalog)


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
