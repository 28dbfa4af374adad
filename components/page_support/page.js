// Keyboard and screen-reader support for the whole page (docs/architecture.md, "Accessibility").
// Runs in the page each time the page state below changes; installs its listeners once.
// It reads no record text but the status line, which it only ever sets as textContent.
(function () {
  const state = document.getElementById("atlas-page-state");
  if (!state) return;
  const atlas = window.atlasPage || (window.atlasPage = { opened: "", group: "", returnTo: null, status: "", installed: false });
  const PANEL = ".st-key-incident-panel";
  const GROUP_LIST = ".st-key-shared-point-list";
  const TABLE = ".st-key-results [data-testid='stDataFrame']";

  function focusWhenReady(find, tries) {
    const target = find();
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.classList.add("atlas-focus-target");
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "nearest" });
      return;
    }
    if (tries > 0) setTimeout(() => focusWhenReady(find, tries - 1), 100);
  }

  function nameSections() {
    // The skip links' targets: the containers app.py names "results" and "downloads".
    for (const section of ["results", "downloads"]) {
      const found = document.querySelector(`.st-key-${section}`);
      if (found && found.id !== section) found.id = section;
    }
  }

  function skipTo(section) {
    focusWhenReady(() => document.querySelector(`.st-key-${section} h2`), 30);
  }

  function install() {
    const nav = document.createElement("nav");
    nav.className = "atlas-skip";
    nav.setAttribute("aria-label", "Skip links");
    for (const [label, section] of [["Skip to the results table", "results"], ["Skip to the downloads", "downloads"]]) {
      const link = document.createElement("a");
      link.href = `#${section}`;
      link.textContent = label;
      link.addEventListener("click", (event) => { event.preventDefault(); skipTo(section); });
      nav.appendChild(link);
    }
    document.body.prepend(nav);
    const live = document.createElement("div");
    live.id = "atlas-live";
    live.className = "atlas-visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
    document.addEventListener("keydown", onKey, true);
  }

  function onKey(event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    // The table's grid opens a row with Shift+Space; Enter does the same here.
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey && target.closest(TABLE)) {
      event.preventDefault();
      event.stopPropagation();
      atlas.returnTo = target;
      target.dispatchEvent(new KeyboardEvent("keydown", { key: " ", code: "Space", keyCode: 32, shiftKey: true, bubbles: true, cancelable: true }));
      return;
    }
    // Escape in the open incident closes it (the panel's Close button); focus goes back.
    if (event.key === "Escape" && target.closest(PANEL)) {
      const close = document.querySelector(".st-key-close-incident button");
      if (close) { event.preventDefault(); close.click(); }
    }
  }

  function announce(status) {
    if (status === atlas.status) return;
    atlas.status = status;
    const live = document.getElementById("atlas-live");
    if (!live) return;
    live.textContent = "";
    setTimeout(() => { live.textContent = status; }, 150);
  }

  function followIncident(opened) {
    if (opened && opened !== atlas.opened) {
      const active = document.activeElement;
      if (!atlas.returnTo && active && active !== document.body && !active.closest(PANEL)) atlas.returnTo = active;
      focusWhenReady(() => document.querySelector(`${PANEL} h2`), 100);
    } else if (!opened && atlas.opened) {
      const back = atlas.returnTo && atlas.returnTo.isConnected ? atlas.returnTo : document.querySelector(`${TABLE} [tabindex='0']`);
      atlas.returnTo = null;
      focusWhenReady(() => (back && back.isConnected ? back : null), 30);
    }
    atlas.opened = opened;
  }

  // A shared point's list (opened from the map or from the select box of shared points):
  // focus goes to its first incident, so a keyboard user lands on what they asked for.
  function followGroup(group, incidentChanged) {
    if (group && group !== atlas.group && !incidentChanged) {
      focusWhenReady(() => document.querySelector(`${GROUP_LIST} button`), 30);
    } else if (!group && atlas.group) {
      // "Close the list" is gone with the list: focus goes back to the select box of points.
      const lost = !document.activeElement || document.activeElement === document.body;
      if (lost) focusWhenReady(() => document.querySelector(".st-key-shared-point input"), 30);
    }
    atlas.group = group;
  }

  if (!document.getElementById("atlas-style")) {
    const sheet = document.createElement("style");
    sheet.id = "atlas-style";
    sheet.textContent = ATLAS_STYLE;  // page.css, set by components/text.py
    document.head.appendChild(sheet);
  }
  if (!atlas.installed) { install(); atlas.installed = true; }
  nameSections();
  announce(state.dataset.status || "");
  const incident = state.dataset.incident || "";
  followGroup(state.dataset.group || "", incident !== atlas.opened);
  followIncident(incident);
})();
