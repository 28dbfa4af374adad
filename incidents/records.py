"""Reading one record file: bytes -> text -> YAML -> validated ``Incident``.

Every way a file can be broken ends as ``Problem`` values, never as an exception, so one bad
file cannot stop the others from loading.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import ValidationError

from incidents.model import Incident
from incidents.problems import FILE, YAML, Problem, problems_from_validation

MAX_RECORD_BYTES = 256 * 1024
# A record is four levels deep (incident > actors > actor > field); anything much deeper is an
# attack on the parser (thousands of "[" exhaust Python's recursion limit).
MAX_DEPTH = 16


TIMESTAMP = "tag:yaml.org,2002:timestamp"
BOOL = "tag:yaml.org,2002:bool"


class RecordLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, reads only true/false as booleans, refuses aliases.

    Dates stay strings so the model can say *which* field holds an impossible date
    (PyYAML would fail the whole file on 2023-02-30). YAML 1.1 also reads ``NO`` (Norway)
    and ``ON`` as booleans; records only ever mean true/false. Aliases are refused because a record
    never needs them and nested aliases ("billion laughs") explode when traversed.
    """

    # PyYAML reads and extends this per class (add_implicit_resolver is a classmethod); the
    # stubs declare it an instance variable.
    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {  # type: ignore[misc]
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in {TIMESTAMP, BOOL}]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # the stubs leave peek_event unannotated
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in records", event.start_mark
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # as above
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


RecordLoader.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass(frozen=True)
class ReadResult:
    path: str
    incident: Incident | None
    problems: list[Problem]
    data: dict[str, Any] | None = None  # the record as parsed YAML


def refuse_special_file(path: Path, root: Path | None = None) -> str | None:
    """Why a path must not be opened (a FIFO or device would block or never end; a link out
    of the data folder reads files nobody meant to publish), or None. Never reads the file."""
    try:
        if path.is_symlink():
            target = path.resolve()
            inside = root is not None and target.is_relative_to(root.resolve())
            if not inside:
                return "is a symbolic link out of the data folder; it is not read"
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot read the file ({error.strerror})"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, device or socket); it is not read"
    return None


def parse_yaml(text: str) -> object:
    return yaml.load(text, Loader=RecordLoader)  # noqa: S506 - RecordLoader is a SafeLoader


def read_record(path: Path, display_path: str | None = None, root: Path | None = None) -> ReadResult:
    """``root`` is the data folder the file was found in (symbolic links may stay inside it)."""
    shown = display_path or str(path)

    def failed(field: str, message: str) -> ReadResult:
        return ReadResult(shown, None, [Problem(shown, field, message)])

    refused = refuse_special_file(path, root)
    if refused:
        return failed(FILE, refused)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return failed(FILE, f"cannot read the file ({error.strerror})")
    if len(raw) > MAX_RECORD_BYTES:
        return failed(FILE, f"file is {len(raw):,} bytes; a record may be at most {MAX_RECORD_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return failed(
            FILE, f"file is not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start}); save it as UTF-8"
        )
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        return failed(YAML, _describe_yaml_error(error))
    if data is None:
        return failed(FILE, "file is empty")
    if not isinstance(data, dict):
        return failed(FILE, f"a record must be a mapping of fields, not a {type(data).__name__}")
    try:
        incident = Incident.model_validate(data, context={"file_stem": path.stem})
    except ValidationError as error:
        return ReadResult(shown, None, problems_from_validation(shown, error), data)
    return ReadResult(shown, incident, [], data)


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return f"invalid YAML: {where}{problem}"
