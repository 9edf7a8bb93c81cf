"""What several tests share: builders of runs and suites, the synthetic story, the fault
server, and the repository's paths."""
