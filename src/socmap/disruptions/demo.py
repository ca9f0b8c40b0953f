"""Demo disruptions (written below)."""
