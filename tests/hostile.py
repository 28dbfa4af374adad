"""Hostile records and links: what a stranger's dataset or shared link may hold.

Every later feature (layers, published pages, the query engine) runs through these, so the
promise "record text is text" is tested wherever text is shown. Every payload that would
reach the network points at ``OUTSIDE``; a page that shows these must never ask that host for
anything, and ``window.__pwned`` stays undefined unless a payload ran as script.
"""

from __future__ import annotations

import json
from pathlib import Path

from incidents import export
from incidents.model import Incident
from tests.factories import record, write_record

OUTSIDE = "example.com"
IMAGE = f"![](http://{OUTSIDE}/pixel.png)"
LINK = f"[click me](http://{OUTSIDE}/phish)"
HTML = f'<img src="http://{OUTSIDE}/img.png" onerror="window.__pwned=1"><script>window.__pwned=1</script>'
STYLE = f'<span style="background-image:url(http://{OUTSIDE}/bg.png)">styled</span>'
ANCHOR = f'<a href="http://{OUTSIDE}/a">anchor</a>'
RTL = "\u202eevil\u202c"
ZERO_WIDTH = "zero\u200bwidth"
HEADING = "line one\n# Injected heading\n"
DIRECTIVES = ":red[red] :material/home: $x^2$ www.example.com"
BREAKOUT_URL = f"https://example.org/x)![](http://{OUTSIDE}/y.png)"
HUGE = "A" * 100_000

PAYLOADS = [IMAGE, LINK, HTML, STYLE, ANCHOR, RTL, ZERO_WIDTH, HEADING, DIRECTIVES, '=HYPERLINK("http://x")']
ALL_PAYLOADS = " ".join(PAYLOADS)

HOSTILE_ID = "2020-01-05-hostile-record"
HUGE_ID = "2020-01-06-huge-record"


def hostile_record() -> dict:
    """A valid record whose every text field carries every payload."""
    return record(
        id=HOSTILE_ID,
        date="2020-01-05",
        title=f"Hostile {IMAGE} {HTML} {RTL}\n# heading",
        summary=ALL_PAYLOADS,
        notes=ALL_PAYLOADS,
        location={"name": f"Place {IMAGE} {ANCHOR}", "lat": 43.0, "lon": 33.0, "radius_km": 50, "region": "black-sea"},
        actors=[
            {"role": "initiator", "country": "RU", "force": f"Force {IMAGE}", "platform": f"Su-27 {STYLE}"},
            {"role": "target", "country": "US", "force": f"Target {LINK}", "platform": f"MQ-9 {HTML}"},
        ],
        outcome={"note": f"Outcome {IMAGE} {LINK}"},
        claims=[
            {"party": "RU", "statement": f"Claim {IMAGE} {HTML}", "source": 1},
            {"party": "US", "statement": f"`code` {LINK} {HEADING}", "source": 2},
        ],
        sources=[
            {"publisher": f"Publisher {IMAGE}", "title": f"Title {LINK} {HTML}", "url": BREAKOUT_URL},
            {"publisher": "Second", "title": "=cmd|' /C calc'!A0", "url": f"https://example.org/{OUTSIDE}"},
        ],
        tags=["hostile"],
    )


def huge_record() -> dict:
    return record(id=HUGE_ID, date="2020-01-06", title="Huge " + HUGE[:10_000], summary=HUGE, notes=HUGE)


def hostile_records() -> list[dict]:
    return [hostile_record(), huge_record(), record()]


def write_hostile_yaml(folder: Path) -> Path:
    for data in hostile_records():
        write_record(folder, data)
    return folder


def write_hostile_csv(path: Path) -> Path:
    path.write_text(export.to_csv(_incidents()), encoding="utf-8")
    return path


def write_hostile_json(path: Path) -> Path:
    path.write_text(export.to_json(_incidents(), "hostile"), encoding="utf-8")
    return path


def _incidents() -> list[Incident]:
    return [Incident.model_validate(data) for data in hostile_records()]


# Link values a stranger may craft (each is one query string).
HOSTILE_LINKS = [
    "near=%60%20%21%5B%5D%28http%3A//example.com/x.png%29%20%60",
    "type=%60%5Bclick%20me%5D%28http%3A//example.com/phish%29%60",
    "q=" + "%3Cimg%20src%3Dhttp%3A//example.com/q.png%3E",
    "incident=" + "x" * 5000,
    "q=" + "+".join(["word"] * 3000),
    "platform=" + "&platform=".join(f"p{n}" for n in range(500)),
    "from=%3Cscript%3E&to=2020-13-45&color=%5B%5D(javascript:alert(1))",
]


def dump(data: object) -> str:
    return json.dumps(data)
