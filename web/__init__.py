"""spacereg: web."""
