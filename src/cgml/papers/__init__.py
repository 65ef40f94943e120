"""Per-paper parameters, pipelines (functions that rules call) and replication claims.

One subpackage per paper key (see ../shared/papers/README.md): ``nanoparticles``, ...
Shared scorecard machinery lives in :mod:`cgml.papers.scorecard`.
"""
