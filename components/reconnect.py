"""A page that lost its server reruns on the one it reconnects to (docs/architecture.md,
"Replicas behind a balancer").

Streamlit's client reconnects its websocket by itself, but when it had a session before it
does not ask for a rerun: it expects the same server to still hold that session. Behind a
balancer, a replica that died took the session with it, so the page would keep showing its
last render from a server that is gone, and the reader's next click would arrive at a fresh
session that first seeds its widgets from the link (undoing that click). This small v2
component (constant script, no record or link text) watches the client's connection state
and, when it comes back after a loss, asks for one rerun: the new replica reads the view from
the URL and draws the same view.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ setTriggerValue }) {
  // The script runs at every rerun; one watcher per page, given the newest trigger.
  if (window.atlasReconnect) { window.atlasReconnect.trigger = setTriggerValue; return; }
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return;
  const watch = { trigger: setTriggerValue, lost: false };
  window.atlasReconnect = watch;
  // Records with their old values: one batch may hold the whole loss and return.
  new MutationObserver((records) => {
    if (records.some((r) => r.oldValue && r.oldValue !== "CONNECTED")) watch.lost = true;
    if (app.getAttribute("data-test-connection-state") !== "CONNECTED") { watch.lost = true; return; }
    if (watch.lost) { watch.lost = false; watch.trigger("reconnected", Date.now()); }
  }).observe(app, { attributes: true, attributeOldValue: true, attributeFilter: ["data-test-connection-state"] });
}
"""
_watcher = st.components.v2.component("atlas_rerun_on_reconnect", html="<span></span>", js=_JS)


def render_rerun_on_reconnect() -> None:
    """Mounted once per page, invisible; its trigger's rerun needs no callback of its own."""
    _watcher(key="reconnect", height=0, on_reconnected_change=lambda: None)
