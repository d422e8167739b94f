"""Pure formats, testable without nox.

Artifacts, the lockfile, versioning, the coverage rc, findings, the CI configuration model,
shards, the version header, the environment stamp and the run report. They read and write files
and data; they never touch a ``nox.Session``.
"""
