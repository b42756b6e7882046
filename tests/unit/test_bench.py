"""The benchmark's figures come from real runs; one repeat keeps this quick."""

from utils import bench


def test_overhead_has_three_ways():
    rows = bench.overhead(repeat=1)
    assert [row["way"] for row in rows] == [
        "docker CLI",
        "Docker SDK",
        "course helper run()",
    ]


def test_overhead_ratios_are_positive():
    rows = bench.overhead(repeat=1)
    assert all(row["vs CLI"] > 0 for row in rows)
    assert all(row["vs SDK"] > 0 for row in rows)


def test_standin_sizes_cover_catalog():
    rows = bench.standin_sizes()
    debian = next(row for row in rows if row["image"] == "debian:bookworm-slim")
    assert debian["size (MB)"] < 100
