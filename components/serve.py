"""Start the dashboard: ``python -m components.serve [streamlit options]``.

This is ``streamlit run app.py`` with one guard installed before the server takes its first
request: Streamlit empties a query string over its limits (1,000 parameters, 512 KiB) without
a word, so a shared link would silently open as the default view. The guard marks such a link
instead, and the page refuses it with a notice (``incidents.view.oversized``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.web import cli

from components.url_state import refuse_oversized_links

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def main(arguments: list[str]) -> None:
    refuse_oversized_links()
    sys.argv = ["streamlit", "run", APP, *arguments]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
