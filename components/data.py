"""Loading the catalog once per dataset and sharing it across sessions (DESIGN.md section 4)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import text
from components.palette import add_colour_columns, add_hover_column
from incidents.catalog import DATA_ENV, Catalog, data_path, load_catalog, record_files
from incidents.filters import COLOR_FIELDS


def dataset_signature(path: Path) -> tuple:
    """Cheap fingerprint (names, sizes, mtimes) so an edited record reloads the catalog.
    The cache is keyed by this small tuple, never by a DataFrame."""
    files = record_files([path]) if path.is_dir() else [path]
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


@st.cache_resource(show_spinner="Loading incidents…", max_entries=4)
def _load(path: str, signature: tuple) -> Catalog:
    catalog = load_catalog(Path(path))
    # A stable integer per row: charts carry it as customdata (compact) instead of ids.
    catalog.frame["row"] = range(len(catalog.frame))
    add_colour_columns(catalog.frame, COLOR_FIELDS)
    add_hover_column(catalog.frame)
    return catalog


def current_catalog() -> Catalog:
    path = data_path()
    if not path.exists():
        text.error("The dataset {} does not exist. Set {} to a folder of YAML records or a CSV, "
                   "Parquet, JSON or GeoJSON file in the export format, or unset it for the curated data.",
                   path, DATA_ENV)  # fmt: skip
        st.stop()
    return _load(str(path), dataset_signature(path))
