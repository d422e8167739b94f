"""The HTML report: one self-contained page per run and for the history. Pure, standard library.

The page needs no network (inline CSS and SVG, no script): a timeline of the latest run (one
bar per session, environment setup and tool time in two shades, the critical path outlined),
the duration trend of every session over the recorded runs with regressions in red, the
reproducibility of the built artifacts, and links to the coverage HTML and the JUnit reports.
Its input is the history's shape (:mod:`noxkit._formats.history`), so the page of one run and
the page of the history are the same page.
"""

from __future__ import annotations

import html
import statistics
from typing import TYPE_CHECKING, Any

from noxkit._formats.history import digest_conflicts, find_regressions, session_names

if TYPE_CHECKING:
    from collections.abc import Mapping

    from noxkit._formats.history import Conflict, Regression, Thresholds

__all__ = ["critical_path", "render_html", "render_trend_markdown"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1f2328;
max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid
#d0d7de;padding-bottom:4px}.meta{color:#59636e}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2}td.num,th.num{
text-align:right;font-variant-numeric:tabular-nums}.success{color:#1a7f37}.failed{
color:#cf222e;font-weight:600}.skipped{color:#9a6700}.flag{color:#cf222e;font-weight:600}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}code{font-size:12px}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}.legend span{display:inline-block;
width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}ul{margin:4px 0}
"""
_SETUP, _TOOLS, _FAILED_TOOLS, _SLOW = "#0969da", "#8cc4ff", "#ff8182", "#cf222e"
_TRENDS = 30


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _end(session: dict[str, Any]) -> float:
    return float(session.get("start", 0.0)) + float(session.get("total", 0.0))


def critical_path(sessions: list[dict[str, Any]], slack: float = 0.5) -> list[str]:
    """The chain of sessions that ends last: each one started when the one before it ended.

    Walks back from the session that finished last to the one that finished latest before it
    started (within ``slack`` seconds); under ``nox -j`` that is what the run waited for.
    """
    if not sessions:
        return []
    current = max(sessions, key=_end)
    path = [current["name"]]
    while True:
        start = float(current.get("start", 0.0))
        before = [s for s in sessions if s["name"] not in path and _end(s) <= start + slack]
        if not before or start <= slack:
            return path[::-1]
        current = max(before, key=_end)
        path.append(current["name"])


def _timeline(run: dict[str, Any]) -> str:
    sessions = run["sessions"]
    if not sessions:
        return "<p>No session ran.</p>"
    span = max(0.001, *(_end(s) for s in sessions))
    critical = set(critical_path(sessions))
    label_w, chart_w, row_h = 170, 760, 26
    height = row_h * len(sessions) + 30
    parts = [
        (
            f'<svg id="timeline" role="img" aria-label="timeline of the sessions" '
            f'width="{label_w + chart_w + 70}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    for tick in range(6):
        x = label_w + chart_w * tick / 5
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#eaeef2"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{span * tick / 5:.1f}s</text>'
        )
    for row, session in enumerate(sessions):
        y = row * row_h + 4
        start = float(session.get("start", 0.0))
        setup, tools = float(session.get("setup", 0.0)), float(session.get("tools", 0.0))
        x0 = label_w + chart_w * start / span
        w_setup = chart_w * setup / span
        w_tools = chart_w * tools / span
        failed = session.get("result") == "failed"
        on_path = session["name"] in critical
        name = _e(session["name"])
        title = (
            f"{name}: {session.get('result')}, total {session.get('total', 0):.2f}s "
            f"(env setup {setup:.2f}s, tools {tools:.2f}s), started at +{start:.2f}s"
        )
        stroke = ' stroke="#1f2328" stroke-width="2"' if on_path else ""
        parts.append(
            f'<g class="bar{" critical" if on_path else ""}" data-session="{name}">'
            f"<title>{title}</title>"
            f'<text x="0" y="{y + 15}">{name}{" *" if on_path else ""}</text>'
            f'<rect class="setup" x="{x0:.1f}" y="{y}" width="{max(w_setup, 0.5):.1f}" '
            f'height="18" fill="{_SETUP}"{stroke}/>'
            f'<rect class="tools" x="{x0 + w_setup:.1f}" y="{y}" width="{max(w_tools, 0.5):.1f}" '
            f'height="18" fill="{_FAILED_TOOLS if failed else _TOOLS}"{stroke}/>'
            f'<text x="{x0 + w_setup + w_tools + 6:.1f}" y="{y + 14}">'
            f"{session.get('total', 0):.2f}s</text></g>"
        )
    parts.append("</svg>")
    legend = (
        f'<p class="legend"><span style="background:{_SETUP}"></span>environment setup'
        f'<span style="background:{_TOOLS}"></span>tool time'
        f'<span style="background:{_FAILED_TOOLS}"></span>failed'
        '<span style="border:2px solid #1f2328;width:8px;height:8px"></span>critical path (*)</p>'
    )
    return "".join(parts) + legend


def _spark(values: list[tuple[float | None, bool]], width: int = 220, height: int = 36) -> str:
    """A bar per run; a regression in red; a run the session missed is a gap."""
    known = [v for v, _ in values if v is not None]
    top = max(known, default=1.0) or 1.0
    bar = width / max(len(values), 1)
    parts = [
        f'<svg class="spark" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (value, slow) in enumerate(values):
        if value is None:
            continue
        h = max(1.0, (height - 2) * value / top)
        colour = _SLOW if slow else _SETUP
        parts.append(
            f'<rect x="{i * bar + 1:.1f}" y="{height - h:.1f}" width="{max(bar - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>run {i + 1}: {value:.2f}s</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _trend(runs: list[dict[str, Any]], regressions: list[Regression]) -> str:
    shown = runs[-_TRENDS:]
    first = len(runs) - len(shown)
    slow = {(r.run, r.session) for r in regressions}
    rows = []
    for name in session_names(shown):
        values: list[tuple[float | None, bool]] = []
        for i, run in enumerate(shown):
            entry = next((s for s in run["sessions"] if s["name"] == name), None)
            values.append((entry["total"] if entry else None, (first + i, name) in slow))
        known = [v for v, _ in values if v is not None]
        latest = values[-1][0]
        median = statistics.median(known) if known else 0.0
        flag = '<span class="flag">slower</span>' if values[-1][1] else ""
        rows.append(
            f'<tr data-session="{_e(name)}"><td>{_e(name)}</td><td>{_spark(values)}</td>'
            f'<td class="num">{"-" if latest is None else f"{latest:.2f}s"}</td>'
            f'<td class="num">{median:.2f}s</td><td>{flag}</td></tr>'
        )
    return (
        f'<table id="trend"><tr><th>session</th><th>duration over the last {len(shown)} runs</th>'
        '<th class="num">latest</th><th class="num">median</th><th></th></tr>'
        + "".join(rows)
        + "</table>"
    )


def _reproducibility(run: dict[str, Any], conflicts: list[Conflict]) -> str:
    checks = [c for s in run["sessions"] for c in (s.get("reproducible") or [])]
    parts = []
    if not checks:
        parts.append(
            '<p id="repro-status">Not checked in this run (the <code>build</code> '
            "session checks it).</p>"
        )
    for check in checks:
        ok = check.get("reproducible")
        status = (
            '<span class="ok">reproducible</span>'
            if ok
            else '<span class="bad">not reproducible</span>'
        )
        digests = f"<code>{_e(check.get('digest', ''))}</code>"
        if not ok:
            digests += f" vs <code>{_e(check.get('other_digest', ''))}</code>"
        parts.append(
            f'<div class="repro" data-reproducible="{str(bool(ok)).lower()}"><p>'
            f"<strong>{_e(check.get('name'))}</strong>: {status}<br>{digests}</p>"
        )
        if not ok:
            parts.append(
                "<ul>"
                + "".join(f"<li>{_e(d)}</li>" for d in check.get("differences", []))
                + "</ul>"
            )
        parts.append("</div>")
    if conflicts:
        parts.append('<p class="bad">Same source, different artifacts:</p><ul>')
        parts.extend(f"<li>{_e(c.line())}</li>" for c in conflicts)
        parts.append("</ul>")
    return '<section id="reproducibility">' + "".join(parts) + "</section>"


def _summary(run: dict[str, Any], regressions: list[Regression], index: int) -> str:
    slow = {r.session for r in regressions if r.run == index}
    rows = []
    for s in run["sessions"]:
        result = _e(s.get("result", ""))
        env = _e(s.get("env", "")) + (f": {_e(s['why'])}" if s.get("why") else "")
        flag = '<span class="flag">slower than usual</span>' if s["name"] in slow else ""
        rows.append(
            f'<tr data-session="{_e(s["name"])}"><td>{_e(s["name"])}</td>'
            f'<td class="{result}">{result}</td>'
            f'<td class="num">{s.get("total", 0):.2f}s</td>'
            f'<td class="num">{s.get("setup", 0):.2f}s</td>'
            f'<td class="num">{s.get("tools", 0):.2f}s</td><td>{env}</td>'
            f'<td>{_e(s.get("python") or "")}</td><td class="num">{_e(s.get("tests", ""))}</td>'
            f"<td>{flag}</td></tr>"
        )
    return (
        '<table id="summary"><tr><th>session</th><th>result</th><th class="num">total</th>'
        '<th class="num">env setup</th><th class="num">tools</th><th>environment</th>'
        '<th>Python</th><th class="num">tests</th><th></th></tr>' + "".join(rows) + "</table>"
    )


def render_html(
    runs: list[dict[str, Any]],
    *,
    links: Mapping[str, str] | None = None,
    title: str = "noxkit run report",
    thresholds: Thresholds | None = None,
) -> str:
    """The page: the latest run's summary and timeline, trends, reproducibility, links."""
    if not runs:
        runs = [{"sessions": []}]
    latest, index = runs[-1], len(runs) - 1
    regressions = find_regressions(runs, thresholds)
    conflicts = digest_conflicts(runs)
    meta = " · ".join(
        _e(part)
        for part in (
            f"finished {latest.get('finished') or '?'}",
            f"git {latest.get('git') or 'none'}" + (" (dirty)" if latest.get("dirty") else ""),
            f"lock {latest.get('lock') or 'none'}",
            f"noxkit {latest.get('noxkit')}, nox {latest.get('nox')}",
            f"nox {latest.get('command', '')}".strip(),
        )
    )
    failed = [s["name"] for s in latest["sessions"] if s.get("result") == "failed"]
    verdict = (
        f'<p class="bad">failed: {_e(", ".join(failed))}</p>'
        if failed
        else '<p class="ok">every session passed</p>'
    )
    link_items = "".join(
        f'<li><a href="{_e(href)}">{_e(label)}</a></li>' for label, href in (links or {}).items()
    )
    slow_now = [r for r in regressions if r.run == index]
    slow_html = (
        "<ul>" + "".join(f'<li class="flag">{_e(r.line())}</li>' for r in slow_now) + "</ul>"
        if slow_now
        else "<p>No session is markedly slower than its recent median.</p>"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body>"
        f'<h1>{_e(title)}</h1><p class="meta">{meta}</p>{verdict}'
        f"<h2>Sessions</h2>{_summary(latest, regressions, index)}"
        f"<h2>Timeline</h2>{_timeline(latest)}"
        f'<h2>Trend</h2><section id="regressions">{slow_html}</section>{_trend(runs, regressions)}'
        f"<h2>Reproducibility</h2>{_reproducibility(latest, conflicts)}"
        f'<h2>Reports</h2><ul id="links">{link_items or "<li>none written in this run</li>"}</ul>'
        f'<p class="meta">{len(runs)} run{"s" if len(runs) > 1 else ""} recorded.</p>'
        "</body></html>\n"
    )


def render_trend_markdown(runs: list[dict[str, Any]], thresholds: Thresholds | None = None) -> str:
    """The trend for ``$GITHUB_STEP_SUMMARY``: latest, median, regressions, reproducibility."""
    if not runs:
        return ""
    regressions = find_regressions(runs, thresholds)
    index = len(runs) - 1
    slow = {r.session: r for r in regressions if r.run == index}
    lines = [
        "",
        f"#### Trend over the last {len(runs)} runs",
        "",
        "| session | latest | median | |",
        "|---|---:|---:|---|",
    ]
    for name in session_names(runs):
        totals = [s["total"] for run in runs for s in run["sessions"] if s["name"] == name]
        entry = next((s for s in runs[-1]["sessions"] if s["name"] == name), None)
        latest = f"{entry['total']:.2f}s" if entry else "-"
        flag = f"slower: {slow[name].line()}" if name in slow else ""
        lines.append(f"| {name} | {latest} | {statistics.median(totals):.2f}s | {flag} |")
    checks = [c for s in runs[-1]["sessions"] for c in (s.get("reproducible") or [])]
    for check in checks:
        state = (
            "reproducible"
            if check.get("reproducible")
            else "**not reproducible**: " + "; ".join(check.get("differences", [])[:5])
        )
        lines.append(f"\n`{check.get('name')}`: {state}")
    lines.extend(f"\n**{c.line()}**" for c in digest_conflicts(runs))
    return "\n".join(lines) + "\n"
