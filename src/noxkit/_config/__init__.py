"""Load time, pure: the configuration of a project.

The schema of ``[tool.noxkit]``, its layers (defaults, profile, project, command line), TOML
reading, team profiles and the generated reference. No nox session, no subprocess; imports
nothing from the other layers.
"""
