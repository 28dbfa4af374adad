"""The page says which incidents of a view its downloads leave out, as the CLI does."""

from __future__ import annotations

from pathlib import Path

from components.data import _layers_signature, _load, dataset_signature
from incidents import export
from incidents.view import ViewState
from tests.app.conftest import notice_texts, run_app
from tests.unit.test_export_path import one_bad_row  # noqa: F401 - the fixture


def test_a_download_that_left_out_an_invalid_row_is_reported_on_the_page(one_bad_row, monkeypatch):  # noqa: F811
    path, _ = one_bad_row
    app = run_app(data=path, monkeypatch=monkeypatch)
    assert "row 4" not in notice_texts(app)
    # What the deferred download does when clicked, on the catalog the page shares.
    catalog = _load(str(Path(path)), dataset_signature(Path(path)), _layers_signature())
    assert export.export_view(catalog, ViewState(), "csv").written == 6
    app.run()
    notices = notice_texts(app)
    assert "1 of the 7 incidents in this view have records that do not validate" in notices
    assert "row 4: actors[1].country:" in notices
