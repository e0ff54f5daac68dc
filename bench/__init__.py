"""minekg's benchmarks: `make bench` (python -m bench) runs every section and writes bench/results.md."""
