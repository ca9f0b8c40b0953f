"""`make bench` writes its run's figures into BENCHMARKS.md between two markers, replacing the
run before and leaving the written analysis around them alone."""

from __future__ import annotations

import pytest
from bench.national.report import END, START, write_into


def test_a_run_replaces_the_run_before_and_keeps_the_analysis(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        f"# Benchmarks\n\nAnalysis above.\n\n{START}\n\nold figures\n\n{END}\n\nBelow.\n"
    )
    write_into(path, "| figure | 42 ms |\n")
    text = path.read_text()
    assert "old figures" not in text and "| figure | 42 ms |" in text
    assert text.startswith("# Benchmarks\n\nAnalysis above.") and text.endswith("\n\nBelow.\n")
    assert text.count(START) == 1 and text.count(END) == 1


def test_a_file_without_the_markers_gets_them_at_its_end(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nEarlier sections.\n")
    write_into(path, "| figure | 7 ms |")
    text = path.read_text()
    assert (
        text.index("Earlier sections.") < text.index(START) < text.index("7 ms") < text.index(END)
    )
    write_into(path, "| figure | 8 ms |")
    assert "7 ms" not in path.read_text() and path.read_text().count(START) == 1


def test_a_file_with_only_the_start_marker_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\n{START}\n\nhalf a run\n")
    with pytest.raises(ValueError, match="not its end"):
        write_into(path, "| figure | 9 ms |")
    assert path.read_text() == f"# Benchmarks\n\n{START}\n\nhalf a run\n"
