"""Data releases: a Parquet snapshot per dataset version, a manifest of per-record content
hashes, the CHANGELOG entry, and what the as-of view and the record history read from them.

A release is named by the dataset version (``catalog.dataset_version``, a content hash of the
records), so a link's ``v=`` names the data it was made with. ``releases/index.json`` lists
the releases in order with their date and snapshot checksum; ``<version>.parquet`` is the
flat frame of every record (``incidents.flat``, lossless: it loads back as a catalog through
the normal path); ``<version>.manifest.json`` holds, per id, a hash of the whole record and of
each field, so a diff names the fields that changed without reading any snapshot
(docs/architecture.md, "Releases"). Reading never raises: a missing or corrupt file becomes a
message the page and the CLI show.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from incidents import flat
from incidents.catalog import Catalog, load_catalog
from incidents.model import Incident

RELEASES_DIR = Path(__file__).resolve().parent.parent / "releases"
RELEASES_ENV = "INCIDENTS_RELEASES"
INDEX = "index.json"
RECORD_HASH_CHARS = 16
MAX_INDEX_BYTES = 4 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
DERIVED_COLUMNS = ("claims", "sources")  # readable joins of claims_json and sources_json

Fields = Mapping[str, object]  # field name ("verification", "location.lat") -> value


def releases_path() -> Path:
    """The releases folder in use: $INCIDENTS_RELEASES if set, else the repository's."""
    return Path(os.environ.get(RELEASES_ENV) or RELEASES_DIR)


def record_hash(incident: Incident) -> str:
    """Content hash of one record, as ``catalog.dataset_version`` hashes all of them."""
    text = json.dumps(incident.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:RECORD_HASH_CHARS]


def fields_of(incident: Incident) -> dict[str, object]:
    """The record's fields; the parts of ``location`` and ``outcome`` count as fields of
    their own, so a moved position is named ``location.lat`` rather than ``location``."""
    fields: dict[str, object] = {}
    for name, value in incident.model_dump(mode="json").items():
        if isinstance(value, dict):
            fields.update({f"{name}.{part}": inner for part, inner in value.items()})
        else:
            fields[name] = value
    return fields


def changed_fields(old: Fields, new: Fields) -> tuple[str, ...]:
    """Fields whose value differs, or that one side lacks, in the record's field order."""
    names = list(dict.fromkeys([*new, *old]))
    return tuple(name for name in names if name not in old or name not in new or old[name] != new[name])


# --- what the folder holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    version: str
    date: date
    records: int
    snapshot: str  # file name in the releases folder
    snapshot_sha256: str
    snapshot_bytes: int
    manifest: str

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version, "date": self.date.isoformat(), "records": self.records,
            "snapshot": self.snapshot, "snapshot_sha256": self.snapshot_sha256,
            "snapshot_bytes": self.snapshot_bytes, "manifest": self.manifest,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Release:
        version = str(data["version"])
        if not (6 <= len(version) <= 64 and all(char in "0123456789abcdef" for char in version)):
            raise ValueError(f"{version!r} is not a dataset version")
        names = (str(data["snapshot"]), str(data["manifest"]))
        if any(Path(name).name != name for name in names):  # a file of this folder, never a path out of it
            raise ValueError(f"release {version}: file names must not contain a folder")
        return cls(
            version, date.fromisoformat(str(data["date"])), int(str(data["records"])), names[0],
            str(data["snapshot_sha256"]), int(str(data["snapshot_bytes"])), names[1],
        )  # fmt: skip


@dataclass(frozen=True)
class Manifest:
    """A release's record hashes, and what changed from the release before it (field names)."""

    records: Mapping[str, str]  # id -> record hash
    changed: Mapping[str, tuple[str, ...]]  # id -> fields changed since the previous release


@dataclass
class Book:
    """The releases of a folder, oldest first, with each one's manifest (read once) and what
    could not be read."""

    folder: Path
    releases: list[Release] = field(default_factory=list)
    manifests: dict[str, Manifest] = field(default_factory=dict)  # version -> manifest
    problems: list[str] = field(default_factory=list)

    def find(self, version: str | None) -> Release | None:
        return next((release for release in self.releases if release.version == version), None)

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    def last_updated(self, version: str) -> str:
        """When data of ``version`` was last updated, in words: its release date, or that it
        has changed since the latest release."""
        release, latest = self.find(version), self.latest
        if release is not None:
            return f"{release.date.isoformat()} (release {release.version})"
        if latest is not None:
            return f"after release {latest.version} of {latest.date.isoformat()}; not yet released"
        return "not yet released"


def read_book(folder: Path) -> Book:
    """Index and manifests of a releases folder (an absent folder has no releases)."""
    book = Book(folder)
    index = folder / INDEX
    if not index.exists():
        return book
    try:
        entries = _read_json(index, MAX_INDEX_BYTES)["releases"]
        book.releases = [Release.from_json(entry) for entry in entries]
    except Exception as error:  # a hand-edited or truncated index: say so, offer no release
        book.problems.append(f"{index.name}: cannot be read: {error}")
        return book
    for release in book.releases:
        try:
            data = _read_json(folder / release.manifest, MAX_MANIFEST_BYTES)
            book.manifests[release.version] = Manifest(
                {str(k): str(v) for k, v in data["records"].items()},
                {str(k): tuple(str(name) for name in v) for k, v in data["changed"].items()},
            )
        except Exception as error:
            book.problems.append(f"{release.manifest}: cannot be read: {error}")
    return book


def _read_json(path: Path, limit: int) -> dict[str, Any]:
    if path.stat().st_size > limit:
        raise ValueError(f"is larger than {limit:,} bytes")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("is not a JSON object")
    return data


def load_release(book: Book, release: Release) -> tuple[Catalog | None, str]:
    """The catalog of a release's snapshot, through the normal flat-file path, or why not."""
    path = book.folder / release.snapshot
    if not path.is_file():
        return None, f"its snapshot {release.snapshot} is missing"
    if _file_sha256(path) != release.snapshot_sha256:
        return None, f"its snapshot {release.snapshot} does not match its checksum (corrupt or replaced)"
    catalog = load_catalog(path)
    if catalog.problems or len(catalog.records) != release.records:
        first = str(catalog.problems[0]) if catalog.problems else f"{len(catalog.records)} records"
        return None, f"its snapshot {release.snapshot} cannot be read ({first})"
    catalog.version = release.version  # the content hash it was released as, not the file's
    return catalog, ""


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- differences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Diff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # id -> fields

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def catalog_fields(catalog: Catalog, incident_ids: Iterable[str] | None = None) -> dict[str, dict[str, object]]:
    """Fields of a catalog's records (all, or these ids); invalid rows are left out."""
    ids = sorted(catalog.records) if incident_ids is None else sorted(i for i in incident_ids if i in catalog.records)
    return {incident.id: fields_of(incident) for incident in catalog.iter_records(ids, [])}


def diff(old: Mapping[str, Fields], new: Mapping[str, Fields]) -> Diff:
    """What ``new`` adds, removes and changes (with the fields) relative to ``old``, by id."""
    changed = {}
    for incident_id in sorted(set(old) & set(new)):
        fields = changed_fields(old[incident_id], new[incident_id])
        if fields:
            changed[incident_id] = fields
    return Diff(tuple(sorted(set(new) - set(old))), tuple(sorted(set(old) - set(new))), changed)


def view_changes(old: Catalog, old_view_ids: Iterable[str], current: Catalog, current_view_ids: Iterable[str]) -> Diff:
    """For one view: incidents it shows now and did not in the release (added), that it
    showed then and not now (removed), and those of either whose record changed (fields)."""
    then, now = set(old_view_ids), set(current_view_ids)
    records = diff(catalog_fields(old, then | now), catalog_fields(current, then | now))
    return Diff(tuple(sorted(now - then)), tuple(sorted(then - now)), records.changed)


@dataclass(frozen=True)
class HistoryEntry:
    release: Release
    kind: str  # "added", "changed", "removed"
    fields: tuple[str, ...] = ()


def record_history(book: Book, incident_id: str) -> list[HistoryEntry]:
    """The releases in which a record first appeared, changed (with the fields) or left."""
    entries: list[HistoryEntry] = []
    previous: str | None = None
    for release in book.releases:
        manifest = book.manifests.get(release.version)
        if manifest is None:
            continue  # an unreadable manifest (reported by read_book) is skipped
        current = manifest.records.get(incident_id)
        if current is not None and previous is None:
            entries.append(HistoryEntry(release, "added"))
        elif current is None and previous is not None:
            entries.append(HistoryEntry(release, "removed"))
        elif current is not None and current != previous:
            entries.append(HistoryEntry(release, "changed", manifest.changed.get(incident_id, ())))
        previous = current
    return entries


# --- making a release -----------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    release: Release | None  # None: nothing was written
    message: str
    diff: Diff = Diff()


def make_release(catalog: Catalog, folder: Path, day: date, changelog: Path) -> Made:
    """Snapshot, manifest, index entry and CHANGELOG entry of the catalog's data; a no-op
    (``release`` None) when this version is already released."""
    if catalog.problems:
        return Made(None, f"not released: {len(catalog.rejected_files)} record files do not validate (run validate)")
    if not catalog.records:
        return Made(None, "not released: the dataset has no records")
    book = read_book(folder)
    if book.problems:
        return Made(None, "not released: the releases folder has problems: " + "; ".join(book.problems))
    known = book.find(catalog.version)
    if known is not None:
        return Made(None, f"nothing to release: version {known.version} was released on {known.date.isoformat()}")
    previous = book.latest
    before: Mapping[str, Fields] = {}
    if previous is not None:
        old, why = load_release(book, previous)
        if old is None:
            return Made(None, f"not released: the previous release {previous.version} cannot be compared: {why}")
        before = catalog_fields(old)
    changes = diff(before, catalog_fields(catalog))
    folder.mkdir(parents=True, exist_ok=True)
    release = _write_files(catalog, changes if previous else Diff(), folder, day)
    book.releases.append(release)
    _write_json(folder / INDEX, {"releases": [entry.as_json() for entry in book.releases]})
    write_changelog(changelog, changelog_entry(release, previous, changes))
    return Made(release, f"released version {release.version} ({release.records} records)", changes)


def _write_files(catalog: Catalog, changes: Diff, folder: Path, day: date) -> Release:
    version = catalog.version
    incidents = list(catalog.iter_records(sorted(catalog.records), []))
    snapshot = folder / f"{version}.parquet"
    table = flat.typed(flat.flat_frame(incidents))
    # Lossless but compact: the readable joins of claims and sources are left empty (they are
    # rebuilt from claims_json and sources_json by every export; nothing reads them at load),
    # and zstd at a high level (a release is written once and read rarely).
    table[list(DERIVED_COLUMNS)] = ""
    table.to_parquet(snapshot, index=False, compression="zstd", compression_level=19)
    manifest = f"{version}.manifest.json"
    head = {"version": version, "date": day.isoformat(), "changed": dict(changes.changed)}
    records = [f" {json.dumps(i.id)}: {json.dumps(record_hash(i))}" for i in incidents]
    # One record per line: in git, a release's diff is one line per changed record.
    body = json.dumps(head, ensure_ascii=False)[:-1] + ', "records": {\n' + ",\n".join(records) + "\n}}\n"
    (folder / manifest).write_text(body, encoding="utf-8")
    return Release(
        version, day, len(incidents), snapshot.name, _file_sha256(snapshot), snapshot.stat().st_size, manifest
    )


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def changelog_entry(release: Release, previous: Release | None, changes: Diff) -> str:
    lines = [f"## Data release {release.version} ({release.date.isoformat()})", ""]
    if previous is None:
        lines.append(f"First data release: {release.records} records (ids in `releases/{release.manifest}`).")
    else:
        lines.append(
            f"{release.records} records; since {previous.version} ({previous.date.isoformat()}): "
            f"{len(changes.added)} added, {len(changes.removed)} removed, {len(changes.changed)} changed."
        )
        lines += _listed("Added", [f"`{i}`" for i in changes.added])
        lines += _listed("Removed", [f"`{i}`" for i in changes.removed])
        lines += _listed("Changed", [f"`{i}`: {', '.join(fields)}" for i, fields in changes.changed.items()])
    return "\n".join(lines) + "\n"


def _listed(title: str, items: list[str]) -> list[str]:
    return ["", f"### {title}", *[f"- {item}" for item in items]] if items else []


def write_changelog(path: Path, entry: str) -> None:
    """Put the entry after the "Unreleased" section (newest release first), else after the title."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    sections = text.split("\n## ")
    # sections[0] is the title and preamble; the first released section follows "Unreleased".
    at = 2 if len(sections) > 1 and sections[1].startswith("Unreleased") else 1
    head = "\n## ".join(sections[:at]).rstrip("\n") + "\n\n"
    tail = "\n## ".join(sections[at:])
    path.write_text(head + entry + ("\n## " + tail if tail else ""), encoding="utf-8")
