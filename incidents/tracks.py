"""The Reporter's PLA_Path_Database -> one compact, deterministic tracks layer.

``python -m incidents layers tracks --source DIR -o incidents/layers/pla-tracks.geojson``
reads a clone of github.com/data-reporter/PLA_Path_Database (MIT licence) and keeps, per
feature: the date, where it comes from, the original text, what that text states (sorties,
median-line crossings), aircraft categories with English labels, and the geometry rounded to
3 decimals (about 100 m; the tracks are redrawn from schematic maps and are approximate).
Every source feature becomes one output feature, sorted by date, origin and source order.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = "https://github.com/data-reporter/PLA_Path_Database"
PRECISION = 3

# (file, origin, reader) in the order the repository's README lists them.
TAIWAN_2022 = "Taiwan/20220801-20230915_fixed.geojson"
TAIWAN_2023 = "Taiwan/20230918-20240115.geojson"
TAIWAN_2024 = "Taiwan/20240116-20240731_v2.geojson"
JAPAN = "Japan/jp_data_cleaned.geojson"
SOURCE_FILES = (TAIWAN_2022, TAIWAN_2023, TAIWAN_2024, JAPAN)

# The flags of the 2024 files (if_<word>) and the words of the aircraft names, with the code
# and English label the Atlas gives each category.
CATEGORIES: dict[str, str] = {
    "main-combat": "Main combat aircraft (主戰機)",
    "support": "Support aircraft (輔戰機)",
    "fighter": "Fighter (殲擊機)",
    "bomber": "Bomber (轟炸機)",
    "drone": "Drone (無人機)",
    "helicopter": "Helicopter (直升機)",
    "balloon": "Balloon (氣球)",
}
FLAGS = {
    "if_主戰機": "main-combat",
    "if_輔戰機": "support",
    "if_殲擊機": "fighter",
    "if_無人機": "drone",
    "if_直升機": "helicopter",
}

# Aircraft names of the 2022-2024 files (as The Reporter's table restores them) -> English
# designation and category. The category is the Atlas's reading of the designation's prefix
# (殲 fighter, 轟 bomber, 運/空警 support, 直/卡/武直 helicopter, drone names), not the source's.
AIRCRAFT: dict[str, tuple[str, str]] = {
    "殲-10機": ("J-10 fighter", "fighter"),
    "殲-11機": ("J-11 fighter", "fighter"),
    "殲-15機": ("J-15 fighter", "fighter"),
    "殲-16機": ("J-16 fighter", "fighter"),
    "殲-16D機": ("J-16D electronic warfare aircraft", "fighter"),
    "蘇愷-30機": ("Su-30 fighter", "fighter"),
    "殲轟-7機": ("JH-7 fighter-bomber", "bomber"),
    "轟-6機": ("H-6 bomber", "bomber"),
    "轟-6K機": ("H-6K bomber", "bomber"),
    "運-8反潛機": ("Y-8 anti-submarine aircraft", "support"),
    "運-8技偵機": ("Y-8 technical reconnaissance aircraft", "support"),
    "運-8技術偵察機": ("Y-8 technical reconnaissance aircraft", "support"),
    "運-8遠干機": ("Y-8 long-range jamming aircraft", "support"),
    "運-8電偵機": ("Y-8 electronic reconnaissance aircraft", "support"),
    "運-9通信對抗機": ("Y-9 communications countermeasures aircraft", "support"),
    "運油-20機": ("YY-20 tanker", "support"),
    "運油-20": ("YY-20 tanker", "support"),
    "空警-200機": ("KJ-200 airborne early warning aircraft", "support"),
    "空警-500機": ("KJ-500 airborne early warning aircraft", "support"),
    "直-9反潛機": ("Z-9 anti-submarine helicopter", "helicopter"),
    "直-9反潛直升機": ("Z-9 anti-submarine helicopter", "helicopter"),
    "卡-28反潛直升機": ("Ka-28 anti-submarine helicopter", "helicopter"),
    "武直-10機": ("Z-10 attack helicopter", "helicopter"),
    "BZK-5": ("BZK-005 drone", "drone"),
    "BZK-005": ("BZK-005 drone", "drone"),
    "BZK-005無人機": ("BZK-005 drone", "drone"),
    "BZK-7": ("BZK-007 drone", "drone"),
    "KVD-1": ("KVD-001 drone", "drone"),
    "TB-001無人機": ("TB-001 drone", "drone"),
    "無偵-7機": ("WZ-7 reconnaissance drone", "drone"),
    "無偵7無人偵察機": ("WZ-7 reconnaissance drone", "drone"),
    "彩虹4無人機": ("CH-4 drone", "drone"),
    "彩虹4型無人機": ("CH-4 drone", "drone"),
    "攻擊2型無人機": ("GJ-2 drone", "drone"),
    "空飄氣球": ("drifting balloon", "balloon"),
    "探空氣球": ("sounding balloon", "balloon"),
}

_PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
_SORTIES = re.compile(r"(\d+)\s*架")
_CROSSINGS = re.compile(r"(\d+)\s*架次?\s*逾越(?:海峽)?中線")


@dataclass(frozen=True)
class Parsed:
    sorties: int | None
    crossed_median: bool | None
    median_crossings: int | None


def parse_description(text: str | None) -> Parsed:
    """What an MND description states: '0743-1735時主戰機及無人機計13架次（其中12架次逾越中線）'
    -> 13 sorties, crossed, 12 crossings. Counts outside parentheses are summed (a text may
    give several periods); crossings are read wherever '逾越中線' is stated."""
    if not text:
        return Parsed(None, None, None)
    counts = [int(n) for n in _SORTIES.findall(_PARENTHESES.sub("", text))]
    crossings = [int(n) for n in _CROSSINGS.findall(text)]
    crossed = "逾越中線" in text or "逾越海峽中線" in text
    return Parsed(sum(counts) if counts else None, crossed, sum(crossings) if crossings else None)


def repair_mojibake(text: str | None) -> str | None:
    """UTF-8 read as Latin-1 (the 2022-23 file's raw names) back to UTF-8, or None."""
    if not text:
        return None
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, PRECISION) + 0.0  # +0.0: no '-0.0'
    if isinstance(value, list):
        rounded = [_round(item) for item in value]
        return _dedupe(rounded)
    return value


def _dedupe(items: list[Any]) -> list[Any]:
    """Consecutive duplicate positions (after rounding) collapse into one."""
    if not items or not isinstance(items[0], list) or not items[0] or isinstance(items[0][0], list):
        return items
    kept = [items[0]]
    for item in items[1:]:
        if item != kept[-1]:
            kept.append(item)
    return kept


def _geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    coordinates = _round(geometry["coordinates"])
    if geometry["type"] == "Polygon":
        coordinates = [ring if ring[0] == ring[-1] else [*ring, ring[0]] for ring in coordinates]
    return {"type": geometry["type"], "coordinates": coordinates}


def _int(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _properties(**values: Any) -> dict[str, Any]:
    """Fixed key order; empty values left out (compact)."""
    return {key: value for key, value in values.items() if value not in (None, [], "")}


def _categories(codes: Iterable[str]) -> list[str]:
    wanted = set(codes)
    return [code for code in CATEGORIES if code in wanted]


def _aircraft(name: str | None) -> tuple[str | None, list[str]]:
    key = None if name is None else re.sub(r"\s+", "", name).upper()
    if key is None or key not in AIRCRAFT:
        return None, []
    english, category = AIRCRAFT[key]
    extra = ["main-combat"] if category in ("fighter", "bomber") else []
    return english, _categories([category, *extra])


def _taiwan_tracks(
    feature: dict[str, Any], name: str | None, day: str, number: int, origin_file: str
) -> dict[str, Any]:
    props = feature["properties"]
    english, categories = _aircraft(name)
    return _properties(
        date=day, origin="TW-MND", file=origin_file, n=number, figure="track",
        aircraft_zh=name, aircraft=english, sorties=_int(props.get("num")), categories=categories,
    )  # fmt: skip


def convert_features(source: Path) -> list[dict[str, Any]]:
    """Every feature of the four source files, converted and sorted."""
    rows: list[tuple[tuple[str, str, str, int], dict[str, Any]]] = []

    def add(props: dict[str, Any], geometry: dict[str, Any]) -> None:
        key = (props["date"], props["origin"], props["file"], props["n"])
        rows.append((key, {"type": "Feature", "properties": props, "geometry": _geometry(geometry)}))

    for number, feature in enumerate(read_source(source / TAIWAN_2022), start=1):
        p = feature["properties"]
        name = _text(p.get("機型中文")) or repair_mojibake(_text(p.get("Aircraft_Type")))
        fixed = str(p["dates_fixed"])
        day = f"{fixed[:4]}-{fixed[4:6]}-{fixed[6:8]}"
        add(_taiwan_tracks(feature, name, day, number, "2022"), feature["geometry"])
    for number, feature in enumerate(read_source(source / TAIWAN_2023), start=1):
        p = feature["properties"]
        add(_taiwan_tracks(feature, _text(p.get("aircraft_type")), str(p["date"]), number, "2023"), feature["geometry"])
    for number, feature in enumerate(read_source(source / TAIWAN_2024), start=1):
        p = feature["properties"]
        text = _text(p.get("description"))
        parsed = parse_description(text)
        flags = [code for flag, code in FLAGS.items() if str(p.get(flag)) == "1"]
        figure = str(p.get("category") or "")
        if figure == "balloon" or p.get("distance_target") == "balloon":
            flags.append("balloon")
        props = _properties(
            date=str(p["date"]), origin="TW-MND", file="2024", n=number, figure=figure, text=text,
            sorties=parsed.sorties, crossed_median=parsed.crossed_median, median_crossings=parsed.median_crossings,
            categories=_categories(flags), distance_nm=p.get("distance_num"),
            distance_ref_zh=_text(p.get("distance_ref_location")), balloon_height_zh=_text(p.get("balloon_height")),
        )  # fmt: skip
        add(props, feature["geometry"])
    for number, feature in enumerate(read_source(source / JAPAN), start=1):
        p = feature["properties"]
        release = re.search(r"(\d{8})", str(p.get("file_name") or ""))
        day = f"{release.group(1)[:4]}-{release.group(1)[4:6]}-{release.group(1)[6:8]}" if release else ""
        props = _properties(
            date=day, origin="JP-JSO", file="japan", n=number, figure=_text(p.get("shape")),
            text=_text(p.get("id_content")), platform=_text(p.get("data")), country=_text(p.get("country")),
            version=_text(p.get("version")), release=_text(p.get("urls")),
        )  # fmt: skip
        add(props, feature["geometry"])
    rows.sort(key=lambda row: row[0])
    return [feature for _, feature in rows]


def read_source(path: Path) -> list[dict[str, Any]]:
    """A source GeoJSON file's features (the Japanese file writes NaN for empty cells)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = data["features"]
    return features


def source_count(source: Path) -> int:
    return sum(len(read_source(source / name)) for name in SOURCE_FILES)


def source_commit(source: Path) -> str | None:
    """The commit of a git clone, or None (then pass --commit)."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "-C", str(source), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH, as make does
            capture_output=True, text=True, check=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if re.fullmatch(r"[0-9a-f]{40}", commit) else None


def write_tracks(source: Path, output: Path, commit: str | None) -> int:
    """Convert and write; one feature per line, so a new source version diffs readably."""
    features = convert_features(source)
    header = {
        "type": "FeatureCollection",
        "source": {"repository": REPOSITORY, "commit": commit, "files": list(SOURCE_FILES)},
        "categories": CATEGORIES,
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    output.write_text(head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return len(features)
