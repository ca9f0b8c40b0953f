"""Demo intelligence (written below)."""
