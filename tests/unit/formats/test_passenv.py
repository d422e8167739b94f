"""Allow-list mode: which outer variables reach a session's tools (pure)."""

from __future__ import annotations

from noxkit._formats.passenv import passes, withheld

OUTER = {
    "PATH": "/bin", "HOME": "/root", "LC_ALL": "C.UTF-8", "TMPDIR": "/tmp",
    "https_proxy": "http://proxy:3128", "SSL_CERT_FILE": "/etc/ca.pem",
    "PIP_INDEX_URL": "https://i.invalid", "GITHUB_ACTIONS": "true", "CI_PROJECT_DIR": "/b",
    "SECRET_TOKEN": "s", "GITHUB_TOKEN": "g", "AWS_SECRET_ACCESS_KEY": "a", "CI_JOB_TOKEN": "j",
    "DATABASE_URL": "postgres://u:p@db/x", "MYAPP_MODE": "test",
}  # fmt: skip


class TestAllowList:
    def test_the_builtin_set_passes_and_secrets_are_withheld(self):
        """PATH, HOME, locale, TMP, proxies, CAs, installer and CI variables pass; the rest not."""
        assert withheld(OUTER) == [
            "AWS_SECRET_ACCESS_KEY", "CI_JOB_TOKEN", "DATABASE_URL", "GITHUB_TOKEN", "MYAPP_MODE",
            "SECRET_TOKEN",
        ]  # fmt: skip

    def test_pass_env_names_and_globs(self):
        """The project's names and globs pass too."""
        assert withheld(OUTER, ["DATABASE_URL", "MYAPP_*"]) == [
            "AWS_SECRET_ACCESS_KEY", "CI_JOB_TOKEN", "GITHUB_TOKEN", "SECRET_TOKEN",
        ]  # fmt: skip

    def test_a_glob_never_passes_a_secret_but_an_exact_name_does(self):
        """`CI_*` does not pass CI_JOB_TOKEN, `*` does not pass GITHUB_TOKEN; naming it does."""
        assert not passes("CI_JOB_TOKEN")
        assert not passes("GITHUB_TOKEN", ["*"])
        assert passes("GITHUB_TOKEN", ["GITHUB_TOKEN"])

    def test_values_are_never_returned(self):
        """Only names come back, for the header."""
        assert "s" not in withheld(OUTER)
