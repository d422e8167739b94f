"""The ``noxkit`` command line: init, ci, doctor, report.

Thin: it calls the layers below and imports nothing from the session side.
"""
