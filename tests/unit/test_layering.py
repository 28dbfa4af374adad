"""The structure the design promises, checked on the source (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Streamlit elements that read Markdown or HTML: components reach them only through
# components/text.py, which escapes every value first.
MARKUP_ELEMENTS = {"markdown", "caption", "write", "title", "header", "subheader", "info", "warning", "error",
                   "success", "html", "latex", "toast", "exception"}  # fmt: skip
PAGE_FILES = sorted([ROOT / "app.py", *(ROOT / "components").glob("*.py")])


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node


@pytest.mark.parametrize("path", [p for p in PAGE_FILES if p.name != "text.py"], ids=lambda p: p.name)
def test_components_show_text_only_through_the_escaping_helper(path):
    direct = [
        f"{path.name}:{call.lineno}: st.{call.func.attr}"
        for call in _calls(path)
        if isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "st"
        and call.func.attr in MARKUP_ELEMENTS
    ]
    assert direct == [], "use components.text instead"


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_nothing_allows_raw_html(path):
    unsafe = [call.lineno for call in _calls(path) if any(k.arg == "unsafe_allow_html" for k in call.keywords)]
    assert unsafe == []


@pytest.mark.parametrize("path", sorted((ROOT / "incidents").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_never_imports_streamlit_or_components(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] in {"streamlit", "components"}]
