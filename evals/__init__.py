"""newsbrief's eval harness: gold annotations, metrics, runs, comparisons and reports."""
