"""spacereg: orbit."""
