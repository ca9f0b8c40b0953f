"""Demo lifetime management (written below)."""
