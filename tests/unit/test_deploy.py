"""The balancer's config as deploy/cluster.py renders it, and bench/results.md's sections."""

from __future__ import annotations

import subprocess

import pytest

from bench import sections
from deploy.cluster import SITE, TEMP_PATHS, nginx_path, render_main, render_site


def test_the_site_is_rendered_with_these_replicas_and_listen_port():
    site = render_site([9101, 9102], 9100)
    assert "server 127.0.0.1:9101 max_fails=1" in site
    assert "server 127.0.0.1:9102 max_fails=1" in site
    assert "8501" not in site
    assert "listen 127.0.0.1:9100;" in site
    assert "listen 80" not in site
    # Everything else is the shipped file's: affinity, websocket upgrade, health route.
    for line in ("hash $atlas_affinity consistent;", "location = /_stcore/stream", "location = /_stcore/health"):
        assert line in site
        assert line in SITE.read_text()


def test_a_site_without_its_markers_is_refused(tmp_path, monkeypatch):
    broken = tmp_path / "atlas.conf"
    broken.write_text(SITE.read_text().replace("# replicas:start", "# replicas"))
    monkeypatch.setattr("deploy.cluster.SITE", broken)
    with pytest.raises(ValueError, match="replicas:start/end"):
        render_site([9101], 9100)


def test_nginx_accepts_the_rendered_config(tmp_path):
    nginx = nginx_path()
    if not nginx:
        pytest.skip("nginx is not installed (Debian: make nginx)")
    for name in TEMP_PATHS:
        (tmp_path / name).mkdir()
    (tmp_path / "atlas.conf").write_text(render_site([9101, 9102, 9103], 9100))
    (tmp_path / "nginx.conf").write_text(render_main(tmp_path))
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_a_section_is_replaced_in_place_and_appended_when_absent():
    text = "# Results\n\n<!-- load:start -->\nold\n<!-- load:end -->\n\n## Targets\n"
    replaced = sections.replace(text, "load", "new")
    assert "new" in replaced
    assert "old" not in replaced
    assert replaced.endswith("## Targets\n")
    appended = sections.replace("# Results\n", "load", "new")
    assert appended == "# Results\n\n<!-- load:start -->\nnew\n<!-- load:end -->\n"


def test_make_bench_carries_the_load_section_over():
    old = sections.replace("# Benchmark results\nold table\n", "load", "the load numbers")
    new = sections.carry_over(old, "# Benchmark results\nnew table\n", "load")
    assert "new table" in new
    assert "old table" not in new
    assert sections.extract(new, "load") == sections.extract(old, "load")
    assert sections.carry_over("# no section\n", "fresh\n", "load") == "fresh\n"
