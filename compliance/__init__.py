"""spacereg: compliance with the LTS guidelines and the COPUOS debris-mitigation guidelines.

Data files: ``data/guidelines.toml`` (the guideline catalog), ``data/methodology.toml``
(thresholds, weights, version), ``data/questionnaire.toml`` (the Declared pillar's items).
Pipeline: :mod:`compliance.inputs` (database -> frames) -> :mod:`compliance.evidence` ->
:mod:`compliance.object_criteria` / :mod:`compliance.state_criteria` -> :mod:`compliance.scoring`
-> :mod:`compliance.engine` (everything in one polars pass) -> :mod:`compliance.report` and
:mod:`compliance.cards` (JSON with reason cards). A.5 figures: :mod:`compliance.registration`.
The method is described in ``docs/methodology.md``.
"""
