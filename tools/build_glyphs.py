"""Build the signed-distance-field glyphs MapLibre draws the basemap's labels with.

MapLibre asks the style's ``glyphs`` URL for ``{fontstack}/{start}-{end}.pbf``: one protobuf
message (glyphs.proto of the MapLibre/Mapbox glyph format) per 256 code points, each glyph an
SDF bitmap of the character at 24 px with a 3 px border. No prebuilt, openly licensed set is
reachable from the registries we use, so they are built here from a font of a Debian package
(``apt-get install fonts-noto-core``; Noto Sans, SIL Open Font License 1.1):

    python tools/build_glyphs.py /usr/share/fonts/truetype/noto static/basemap/glyphs

The output is deterministic (same font file, same bytes) and committed, so the app never
needs this tool. Only code points 0-767 are built (Latin, Latin-1, Latin Extended A/B and
the IPA and spacing-modifier block): every label the basemap ships is written in them.

The distance field: the glyph is rendered by FreeType at 4x (96 px), the exact Euclidean
distance to the outline is taken inside and outside (scipy), averaged down to 24 px and
mapped as MapLibre's shader expects (edge at 192 of 255, 8 px of distance either side).
"""

from __future__ import annotations

import sys
from pathlib import Path

import freetype
import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from scipy.ndimage import distance_transform_edt

SIZE = 24  # px: the size MapLibre's glyph metrics are in
BUFFER = 3  # px of border around each bitmap
RADIUS = 8.0  # px of distance the 0-255 range spans
CUTOFF = 0.25  # edge at 255 * (1 - CUTOFF) = 191.25
SCALE = 4  # supersampling of the outline before the distance transform
RANGES = ((0, 255), (256, 511), (512, 767))

# fontstack name (the directory, and what the style's text-font names) -> font file
FONTSTACKS = {
    "NotoSans-Regular": "NotoSans-Regular.ttf",
    "NotoSans-Italic": "NotoSans-Italic.ttf",
    "NotoSans-Bold": "NotoSans-Bold.ttf",
}


def _messages():
    """glyphs.proto, declared in code so no protoc step is needed."""
    proto = descriptor_pb2.FileDescriptorProto(name="glyphs.proto", package="llmr.glyphs", syntax="proto2")
    F = descriptor_pb2.FieldDescriptorProto
    optional, required, repeated = F.LABEL_OPTIONAL, F.LABEL_REQUIRED, F.LABEL_REPEATED

    def message(name: str, fields: list[tuple[str, int, int, int, str]]) -> None:
        msg = proto.message_type.add(name=name)
        for field_name, number, label, kind, type_name in fields:
            msg.field.add(name=field_name, number=number, label=label, type=kind, type_name=type_name or None)

    message(
        "glyph",
        [
            ("id", 1, required, F.TYPE_UINT32, ""),
            ("bitmap", 2, optional, F.TYPE_BYTES, ""),
            ("width", 3, required, F.TYPE_UINT32, ""),
            ("height", 4, required, F.TYPE_UINT32, ""),
            ("left", 5, required, F.TYPE_SINT32, ""),
            ("top", 6, required, F.TYPE_SINT32, ""),
            ("advance", 7, required, F.TYPE_UINT32, ""),
        ],
    )
    message(
        "fontstack",
        [
            ("name", 1, required, F.TYPE_STRING, ""),
            ("range", 2, required, F.TYPE_STRING, ""),
            ("glyphs", 3, repeated, F.TYPE_MESSAGE, ".llmr.glyphs.glyph"),
        ],
    )
    message("glyphs", [("stacks", 1, repeated, F.TYPE_MESSAGE, ".llmr.glyphs.fontstack")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"llmr.glyphs.{name}")) for name in
            ("glyphs", "fontstack", "glyph")}  # fmt: skip


MESSAGES = _messages()


def sdf_glyph(face: freetype.Face, code: int) -> dict | None:
    """One glyph's metrics (24 px) and SDF bitmap, or None if the font lacks the character."""
    if face.get_char_index(code) == 0:
        return None
    face.load_char(code, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_NO_HINTING)
    slot = face.glyph
    advance = round(slot.advance.x / 64 / SCALE)
    bitmap = slot.bitmap
    rows, cols = bitmap.rows, bitmap.width
    if rows == 0 or cols == 0:
        return {"id": code, "width": 0, "height": 0, "left": 0, "top": 0, "advance": advance}
    pitch = bitmap.pitch
    coverage = np.frombuffer(bytes(bitmap.buffer), dtype=np.uint8).reshape(rows, pitch)[:, :cols]
    # The 24 px box that holds the 96 px bitmap, aligned to whole 24 px pixels.
    left = slot.bitmap_left // SCALE
    right = -(-(slot.bitmap_left + cols) // SCALE)
    top = -(-slot.bitmap_top // SCALE)
    bottom = (slot.bitmap_top - rows) // SCALE
    width, height = right - left, top - bottom
    canvas = np.zeros(((height + 2 * BUFFER) * SCALE, (width + 2 * BUFFER) * SCALE), dtype=bool)
    y0 = top * SCALE - slot.bitmap_top + BUFFER * SCALE
    x0 = slot.bitmap_left - left * SCALE + BUFFER * SCALE
    canvas[y0 : y0 + rows, x0 : x0 + cols] = coverage >= 128
    outside = distance_transform_edt(~canvas)
    inside = distance_transform_edt(canvas)
    signed = (outside - inside) / SCALE  # px at 24 px, positive outside the outline
    small = signed.reshape(height + 2 * BUFFER, SCALE, width + 2 * BUFFER, SCALE).mean(axis=(1, 3))
    values = np.clip(np.round(255 - 255 * (small / RADIUS + CUTOFF)), 0, 255).astype(np.uint8)
    ascender = face.size.ascender / 64 / SCALE
    return {
        "id": code,
        "bitmap": values.tobytes(),
        "width": width,
        "height": height,
        "left": left,
        "top": top - round(ascender),
        "advance": advance,
    }


def build_range(font: Path, name: str, start: int, end: int) -> bytes:
    face = freetype.Face(str(font))
    face.set_pixel_sizes(0, SIZE * SCALE)
    stack = MESSAGES["fontstack"](name=name, range=f"{start}-{end}")
    for code in range(start, end + 1):
        glyph = sdf_glyph(face, code)
        if glyph is not None:
            stack.glyphs.append(MESSAGES["glyph"](**glyph))
    message = MESSAGES["glyphs"]()
    message.stacks.append(stack)
    return message.SerializeToString(deterministic=True)


def main(font_dir: Path, target: Path) -> None:
    for name, file_name in FONTSTACKS.items():
        (target / name).mkdir(parents=True, exist_ok=True)
        for start, end in RANGES:
            data = build_range(font_dir / file_name, name, start, end)
            (target / name / f"{start}-{end}.pbf").write_bytes(data)
            print(f"{name}/{start}-{end}.pbf: {len(data):,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
