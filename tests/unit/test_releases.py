"""Data releases: snapshot, manifest, CHANGELOG, as-of views and record history."""

from __future__ import annotations

import json
from datetime import date

import pytest

from incidents import releases
from incidents.catalog import dataset_version, load_catalog
from incidents.releases import Book, Release, diff, load_release, make_release, read_book, record_history, view_changes
from incidents.view import apply, parse_view
from tests.factories import (
    ADDED_RECORD,
    CHANGED_ID,
    FIXTURE_IDS,
    REMOVED_ID,
    change_fixture_dataset,
    write_fixture_dataset,
    write_two_releases,
)
from tests.unit.test_cli import run_cli


@pytest.fixture
def two(tmp_path):
    return write_two_releases(tmp_path)


def test_the_second_manifest_names_exactly_the_changed_record_and_field(two):
    _, folder, first, second = two
    manifest = json.loads((folder / f"{second}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["changed"] == {CHANGED_ID: ["verification"]}
    old = json.loads((folder / f"{first}.manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["records"]) - set(old["records"]) == {ADDED_RECORD["id"]}
    assert set(old["records"]) - set(manifest["records"]) == {REMOVED_ID}
    new_hashes, old_hashes = manifest["records"], old["records"]
    assert [i for i in new_hashes if i in old_hashes and new_hashes[i] != old_hashes[i]] == [CHANGED_ID]


def test_index_lists_the_releases_in_order_with_date_and_checksum(two):
    _, folder, first, second = two
    book = read_book(folder)
    assert [(r.version, r.date) for r in book.releases] == [(first, date(2026, 1, 5)), (second, date(2026, 3, 9))]
    assert book.problems == []
    assert all((folder / r.snapshot).stat().st_size == r.snapshot_bytes for r in book.releases)


def test_changelog_names_added_removed_and_changed_by_id_newest_first(two, tmp_path):
    _, _, first, second = two
    changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index(f"## Data release {second} (2026-03-09)") < changelog.index(f"## Data release {first}")
    newest = changelog.split(f"## Data release {first}")[0]
    assert f"- `{ADDED_RECORD['id']}`" in newest.split("### Added")[1].split("###")[0]
    assert f"- `{REMOVED_ID}`" in newest.split("### Removed")[1].split("###")[0]
    assert f"- `{CHANGED_ID}`: verification" in newest.split("### Changed")[1]


def test_changelog_entry_goes_after_unreleased(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\nIntro.\n\n## Unreleased\n\n- code\n\n## 0.1.0\n\nFirst.\n", encoding="utf-8")
    make_release(load_catalog(write_fixture_dataset(tmp_path / "d")), tmp_path / "r", date(2026, 1, 5), changelog)
    text = changelog.read_text(encoding="utf-8")
    assert text.index("## Unreleased") < text.index("## Data release") < text.index("## 0.1.0")
    assert "- code" in text
    assert "First." in text


def test_releasing_unchanged_data_is_a_no_op_with_a_message(two, tmp_path):
    data, folder, _, second = two
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    made = make_release(load_catalog(data), folder, date(2026, 4, 1), tmp_path / "CHANGELOG.md")
    assert made.release is None
    assert made.message == f"nothing to release: version {second} was released on 2026-03-09"
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8") == changelog


def test_a_snapshot_loads_back_as_exactly_the_released_records(two):
    _, folder, first, _ = two
    book = read_book(folder)
    catalog, why = load_release(book, book.releases[0])
    assert why == ""
    assert catalog is not None
    assert sorted(catalog.records) == FIXTURE_IDS
    assert catalog.version == first == dataset_version(catalog.records.values())
    assert catalog.records[CHANGED_ID].verification == "official"


def test_an_old_view_reproduces_the_old_ids(two):
    data, folder, _, _ = two
    book = read_book(folder)
    old, _ = load_release(book, book.releases[0])
    state = parse_view("region=syria&region=western-europe").state
    assert sorted(apply(old.frame, state)["id"]) == sorted([CHANGED_ID, REMOVED_ID])
    assert sorted(apply(load_catalog(data).frame, state)["id"]) == sorted([CHANGED_ID, ADDED_RECORD["id"]])


def test_view_changes_name_added_removed_and_changed_fields(two):
    data, folder, _, _ = two
    book = read_book(folder)
    old, current = load_release(book, book.releases[0])[0], load_catalog(data)
    state = parse_view("verification=official").state
    changes = view_changes(old, apply(old.frame, state)["id"], current, apply(current.frame, state)["id"])
    assert changes.removed == (CHANGED_ID,)  # its grade changed, so it left this view
    assert changes.added == (ADDED_RECORD["id"],)
    assert dict(changes.changed) == {CHANGED_ID: ("verification",)}


def test_record_history_names_first_release_and_changed_fields(two):
    _, folder, first, second = two
    book = read_book(folder)
    assert [(e.release.version, e.kind, e.fields) for e in record_history(book, CHANGED_ID)] == [
        (first, "added", ()),
        (second, "changed", ("verification",)),
    ]
    assert [(e.release.version, e.kind) for e in record_history(book, REMOVED_ID)] == [
        (first, "added"), (second, "removed"),
    ]  # fmt: skip
    assert [(e.release.version, e.kind) for e in record_history(book, ADDED_RECORD["id"])] == [(second, "added")]
    unchanged = "2020-01-02-a-black-sea-intercept"
    assert [(e.release.version, e.kind) for e in record_history(book, unchanged)] == [(first, "added")]


def test_a_moved_position_is_named_by_its_part(tmp_path):
    record = load_catalog(write_fixture_dataset(tmp_path)).records[CHANGED_ID]
    moved = record.model_copy(update={"location": record.location.model_copy(update={"lat": 1.0})})
    assert diff({"x": releases.fields_of(record)}, {"x": releases.fields_of(moved)}).changed == {"x": ("location.lat",)}


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda folder, r: (folder / r.snapshot).unlink(), "is missing"),
        (lambda folder, r: (folder / r.snapshot).write_bytes(b"not parquet"), "does not match its checksum"),
    ],
    ids=["missing", "corrupt"],
)
def test_a_missing_or_corrupt_snapshot_is_a_message_never_an_exception(two, damage, expected):
    _, folder, _, _ = two
    book = read_book(folder)
    damage(folder, book.releases[0])
    catalog, why = load_release(book, book.releases[0])
    assert catalog is None
    assert expected in why


def test_an_unreadable_index_or_manifest_is_named(two):
    _, folder, first, _ = two
    (folder / f"{first}.manifest.json").write_text("{", encoding="utf-8")
    book = read_book(folder)
    assert [problem.split(":")[0] for problem in book.problems] == [f"{first}.manifest.json"]
    (folder / "index.json").write_text('{"releases": [{"version": "../x"}]}', encoding="utf-8")
    book = read_book(folder)
    assert book.releases == []
    assert book.problems[0].startswith("index.json: cannot be read")


def test_a_snapshot_file_name_cannot_leave_the_folder():
    entry = {"version": "abcdef12", "date": "2026-01-01", "records": 1, "snapshot": "../secret.parquet",
             "snapshot_sha256": "0", "snapshot_bytes": 1, "manifest": "abcdef12.manifest.json"}  # fmt: skip
    with pytest.raises(ValueError, match="must not contain a folder"):
        releases.Release.from_json(entry)


# --- the command line ---------------------------------------------------------------------


def test_cli_release_then_no_op(tmp_path):
    data = write_fixture_dataset(tmp_path / "data")
    args = ["release", "--data", str(data), "--releases", str(tmp_path / "releases"), "--date", "2026-01-05"]
    made = run_cli(*args)
    assert made.returncode == 0, made.stderr
    version = load_catalog(data).version
    assert f"released version {version} (7 records)" in made.stdout
    assert (tmp_path / "releases" / f"{version}.parquet").is_file()
    assert f"## Data release {version} (2026-01-05)" in (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    again = run_cli(*args)
    assert again.returncode == 0
    assert again.stdout.strip() == f"nothing to release: version {version} was released on 2026-01-05"
    change_fixture_dataset(data)
    second = run_cli(*args[:-1], "2026-03-09")
    assert "1 added, 1 removed, 1 changed" in second.stdout


def test_cli_export_as_of_reproduces_the_old_ids(two):
    data, folder, first, _ = two
    query = f"region=syria&region=western-europe&v={first}&asof={first}"
    result = run_cli("export", "--query", query, "--format", "json", "--data", str(data), "--releases", str(folder))
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert sorted(f["id"] for f in exported["records"]) == sorted([CHANGED_ID, REMOVED_ID])
    assert exported["dataset_version"] == first
    now = run_cli("export", "--query", query.split("&asof")[0], "--format", "json", "--data", str(data))
    assert sorted(f["id"] for f in json.loads(now.stdout)["records"]) == sorted([CHANGED_ID, ADDED_RECORD["id"]])


def test_cli_export_reads_the_releases_folder_from_the_environment(two, monkeypatch):
    data, folder, first, _ = two
    monkeypatch.setenv(releases.RELEASES_ENV, str(folder))
    result = run_cli("export", "--query", f"asof={first}", "--format", "csv", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert REMOVED_ID in result.stdout


@pytest.mark.parametrize("version", ["abcdef12", "0000000000000000"])
def test_cli_export_of_an_unknown_release_errors_cleanly(two, version):
    data, folder, first, second = two
    result = run_cli("export", "--query", f"asof={version}", "--data", str(data), "--releases", str(folder))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"asof={version}: no such release in {folder} (known: {first}, {second})\n"


def test_cli_export_of_a_corrupt_release_errors_cleanly(two):
    data, folder, first, _ = two
    (folder / f"{first}.parquet").write_bytes(b"PAR1 broken")
    result = run_cli("export", "--query", f"asof={first}", "--data", str(data), "--releases", str(folder))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"asof={first}: the release cannot be shown: its snapshot {first}.parquet")


def test_the_shipped_releases_load_and_rebuild_their_versions():
    book = read_book(releases.RELEASES_DIR)
    assert book.problems == []
    assert book.releases, "the repository ships at least its first release"
    for release in book.releases:
        catalog, why = load_release(book, release)
        assert why == ""
        assert catalog is not None
        assert dataset_version(catalog.records.values()) == release.version
        assert sorted(book.manifests[release.version].records) == sorted(catalog.records)


def test_invalid_records_are_never_released(tmp_path):
    from tests.factories import record, write_record

    data = write_fixture_dataset(tmp_path / "data")
    write_record(data, record(id="2020-05-05-broken", verification="probably"))
    result = run_cli("release", "--data", str(data), "--releases", str(tmp_path / "releases"))
    assert result.returncode == 1
    assert result.stdout.strip() == "not released: 1 record files do not validate (run validate)"
    assert not (tmp_path / "releases").exists()
    assert not (tmp_path / "CHANGELOG.md").exists()


def test_last_updated_says_the_release_date_or_that_the_data_changed_since(tmp_path):
    book = Book(tmp_path, releases=[Release("aaaa1111", date(2026, 12, 1), 3, "a.parquet", "0", 1, "a.json")])
    assert book.last_updated("aaaa1111") == "2026-12-01 (release aaaa1111)"
    assert book.last_updated("bbbb2222") == "after release aaaa1111 of 2026-12-01; not yet released"
    assert Book(tmp_path).last_updated("bbbb2222") == "not yet released"
