"""`noxkit report history`: the table, the regression gate, the page, the errors."""

from __future__ import annotations

import json

from noxkit._cli.main import main


def _write(path, totals):
    lines = []
    for total in totals:
        session = {"name": "tests", "result": "success", "total": total, "setup": 0.5}
        session["tools"] = total - 0.5
        lines.append(json.dumps({"git": "a", "lock": None, "sessions": [session]}))
    path.write_text("\n".join(lines) + "\n")
    return path


class TestHistoryCommand:
    def test_gate_fails_on_latest_regression(self, tmp_path, capsys):
        """--fail-on-regression exits 1 when the latest run is markedly slower."""
        path = _write(tmp_path / "h.jsonl", [2.0, 2.0, 9.0])
        assert main(["report", "history", str(path), "--fail-on-regression"]) == 1
        out = capsys.readouterr()
        assert "tests: 9.00s in run 3" in out.out
        assert "failing on a regression in the latest run" in out.err

    def test_old_regression_does_not_fail_the_gate(self, tmp_path, capsys):
        """A regression that recovered is shown, but the gate looks at the latest run."""
        path = _write(tmp_path / "h.jsonl", [2.0, 2.0, 9.0, 2.0])
        assert main(["report", "history", str(path), "--fail-on-regression"]) == 0
        assert "9.00s!" in capsys.readouterr().out

    def test_last_n_and_json(self, tmp_path, capsys):
        """-n limits the columns; --json is machine-readable."""
        path = _write(tmp_path / "h.jsonl", [2.0, 2.0, 2.0, 2.0, 9.0])
        assert main(["report", "history", str(path), "-n", "2"]) == 0
        header = capsys.readouterr().out.splitlines()[1].split()
        assert header == ["session", "#4", "#5", "median"]
        assert main(["report", "history", str(path), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["latest_regressed"] is True
        assert data["regressions"][0]["session"] == "tests"

    def test_html(self, tmp_path, capsys):
        """--html writes the history page."""
        path = _write(tmp_path / "h.jsonl", [2.0, 2.0])
        page = tmp_path / "out" / "history.html"
        assert main(["report", "history", str(path), "--html", str(page)]) == 0
        assert '<svg id="timeline"' in page.read_text()
        assert f"HTML report: {page}" in capsys.readouterr().err

    def test_missing_history(self, tmp_path, capsys):
        """No history yet is a usage error with a hint, exit 2."""
        (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '1'\n")
        assert main(["report", "history", "-C", str(tmp_path)]) == 2
        assert "no run history at" in capsys.readouterr().err
