"""noxkit's version: the single source, read by the build backend and by ``noxkit.__version__``.

A module rather than installed metadata because the dogfooding noxfile imports noxkit from
``src/`` without installing it, and profiles compare against this version at register time.
"""

__version__ = "0.1.0"
