"""Cut the basemap's polygons at the antimeridian so a flat (web-mercator) map draws them.

world-atlas is made for d3's spherical projections, where a ring may step from 179.9 to
-180 degrees; MapLibre draws that step as a line across the whole world.
"""

import json
import sys
import warnings
from pathlib import Path

import antimeridian


def main(source: Path, target: Path) -> None:
    for name in ("land.geojson", "borders.geojson"):
        geojson = json.loads((source / name).read_text(encoding="utf-8"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it reports each ring it rewinds to RFC 7946 order
            fixed = antimeridian.fix_geojson(geojson, fix_winding=True)
        (target / name).write_text(json.dumps(fixed, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
