"""Training tests; a package so that test module names such as test_usage may repeat those of tests/scoring."""
