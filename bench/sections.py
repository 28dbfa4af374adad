"""Sections of bench/results.md that one benchmark owns and the others keep.

A section is the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``. ``make bench``
rewrites the file but carries the load test's section over; ``bench/load.py`` replaces only its
own.
"""

from __future__ import annotations

import re


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- {name}:start -->\n.*?<!-- {name}:end -->\n?", re.S)


def extract(text: str, name: str) -> str:
    """The whole section with its markers, or "" if the text has none."""
    found = _pattern(name).search(text)
    return found.group(0) if found else ""


def replace(text: str, name: str, body: str) -> str:
    """``text`` with section ``name`` holding ``body`` (appended at the end if it was absent)."""
    section = f"<!-- {name}:start -->\n{body.rstrip()}\n<!-- {name}:end -->\n"
    if _pattern(name).search(text):
        return _pattern(name).sub(lambda _: section, text, count=1)
    return f"{text.rstrip()}\n\n{section}"


def carry_over(old: str, new: str, name: str) -> str:
    """``new`` with ``old``'s section ``name`` kept at its end."""
    kept = extract(old, name)
    return f"{new.rstrip()}\n\n{kept}" if kept else new
