"""The demo register: GCAT's payload catalogue (J. McDowell, CC BY 4.0) as seed data.

``derive_gcat`` turns GCAT's psatcat into the small file shipped in ``registry/data/demo/``
(a developer tool, run once per GCAT release); ``register`` reads that file into typed records.
"""
