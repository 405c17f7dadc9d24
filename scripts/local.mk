# scripts/: the scripts that build, test and package the project (their
# tests: t/local.mk).
EXTRA_DIST += scripts/autogen scripts/deps scripts/quickstart scripts/test \
	scripts/unconfigure-source scripts/fresh-root scripts/stress-check
