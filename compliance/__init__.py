"""spacereg: compliance."""
