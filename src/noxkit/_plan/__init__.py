"""The plan, pure: what each session installs and runs.

Project discovery, the session specifications and every command line. Imports only the
load-time layer; ``noxkit doctor`` and the sessions read the same plan.
"""
