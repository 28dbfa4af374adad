"""What is wrong with a record, said so a curator can fix it: file, field, message."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

FILE = "(file)"
YAML = "(yaml)"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


def field_name(loc: tuple[str | int, ...]) -> str:
    """``("actors", 1, "country")`` -> ``"actors[2].country"``: list positions count from 1,
    like the source numbers that claims cite."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else str(part)
    return name or FILE


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check its spelling against the record format)",
}


def problems_from_validation(path: str, error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        if detail["type"].endswith("_type") and detail.get("input", "") is None:
            message = "is empty; fill it in or remove the key"
        else:
            message = _FRIENDLY.get(detail["type"]) or detail["msg"].removeprefix("Value error, ")
        problems.append(Problem(path, field_name(detail["loc"]), message))
    return problems
