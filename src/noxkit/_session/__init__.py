"""The session side: the only code that touches ``nox.Session``.

Registration, session bodies, the run object, environments, installs, build, lock, docs and
release. Loaded lazily: ``nox -l`` imports only ``register`` (and the nox adapter) from here.
"""
