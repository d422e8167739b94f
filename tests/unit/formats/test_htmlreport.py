"""The HTML report: self-contained, a timeline with the critical path, trends, reproducibility."""

from __future__ import annotations

import re

from noxkit._formats.htmlreport import critical_path, render_html, render_trend_markdown


def session(name, start, total, setup=0.5, **extra):
    entry = {"name": name, "result": "success", "start": start, "total": total, "setup": setup}
    return entry | {"tools": total - setup} | extra


def run(*sessions, **extra):
    return {"git": "abc", "lock": None, "sessions": list(sessions)} | extra


PARALLEL = run(
    session("tests", 0.0, 6.0),
    session("lint", 0.0, 1.0),
    session("typecheck", 0.1, 3.0),
    session("coverage", 6.1, 1.0),
)


class TestCriticalPath:
    def test_parallel_run(self):
        """Under -j the path is the chain the run waited for, not every session."""
        assert critical_path(PARALLEL["sessions"]) == ["tests", "coverage"]

    def test_serial_run(self):
        """Run one after another, every session is on the path."""
        serial = [session("a", 0.0, 1.0), session("b", 1.0, 2.0), session("c", 3.0, 1.0)]
        assert critical_path(serial) == ["a", "b", "c"]


class TestPage:
    def test_self_contained(self):
        """No script, no stylesheet or image from the network."""
        page = render_html([PARALLEL])
        assert "<script" not in page
        assert not re.search(r"""(src|href)=["']https?:""", page)
        assert page.startswith("<!DOCTYPE html>")

    def test_timeline_bars_in_two_shades(self):
        """One bar per session, setup and tool time as two rectangles, the path outlined."""
        page = render_html([PARALLEL])
        bars = re.findall(r'<g class="(bar[^"]*)" data-session="([^"]+)"', page)
        assert bars == [
            ("bar critical", "tests"),
            ("bar", "lint"),
            ("bar", "typecheck"),
            ("bar critical", "coverage"),
        ]
        assert page.count('class="setup"') == page.count('class="tools"') == 4

    def test_trend_flags_the_slow_run(self):
        """The trend has a sparkline per session and the slow run of it in red."""
        runs = [run(session("tests", 0, 2.0)), run(session("tests", 0, 2.1))]
        runs.append(run(session("tests", 0, 9.0)))
        page = render_html(runs)
        assert page.count('class="spark"') == 1
        assert 'fill="#cf222e"><title>run 3: 9.00s' in page
        assert "slower than usual" in page
        assert "tests: 9.00s in run 3" in page

    def test_reproducibility_named(self):
        """A non-reproducible artifact shows both digests and what differs."""
        check = {
            "name": "p.whl",
            "reproducible": False,
            "digest": "aaa",
            "other_digest": "bbb",
            "differences": ["p/_built.py: content (line 1: '1' vs '2')"],
        }
        page = render_html([run(session("build", 0, 3.0, reproducible=[check]))])
        assert 'data-reproducible="false"' in page
        assert "not reproducible" in page
        assert "<code>aaa</code> vs <code>bbb</code>" in page
        assert "p/_built.py: content (line 1: &#x27;1&#x27; vs &#x27;2&#x27;)" in page

    def test_links_and_escaping(self):
        """Links to the other reports; session names are escaped."""
        page = render_html(
            [run(session("<b>x</b>", 0, 1.0))], links={"coverage HTML": "htmlcov/index.html"}
        )
        assert '<a href="htmlcov/index.html">coverage HTML</a>' in page
        assert "<b>x</b>" not in page


def test_trend_markdown():
    """The job summary gets the trend table and the reproducibility verdict."""
    check = {"name": "p.whl", "reproducible": True, "digest": "a", "other_digest": "a"}
    runs = [run(session("tests", 0, 2.0)), run(session("tests", 0, 2.0))]
    runs.append(run(session("tests", 0, 8.0), session("build", 8, 1.0, reproducible=[check])))
    text = render_trend_markdown(runs)
    assert "| tests | 8.00s | 2.00s | slower: tests: 8.00s in run 3" in text
    assert "`p.whl`: reproducible" in text
