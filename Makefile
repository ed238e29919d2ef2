# The two commands of the README:
#   make demo   install, ingest the sample archive (corpus/archive) into .dutytrace/, start the UI
#   make test   install and run the test suite (what .ci/run calls)
SHELL := /bin/bash
export DUTYTRACE_HOME ?= $(CURDIR)/.dutytrace
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
PORT ?= 8501

.PHONY: install demo ingest serve eval test test-postgres bench clean

install:
	@scripts/setup.sh

ingest: install
	.venv/bin/dutytrace ingest corpus/archive

demo: ingest
	.venv/bin/dutytrace serve --port $(PORT)

serve:
	.venv/bin/dutytrace serve --port $(PORT)

eval: ingest
	.venv/bin/dutytrace eval

test: install
	.venv/bin/python -m pytest -q -p no:cacheprovider
	@echo "make test: the suite again with every catalog on PostgreSQL (the static checks ran above)"
	DUTYTRACE_TEST_POSTGRES=1 .venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/test_static.py

# the whole suite again with every catalog on PostgreSQL (a server the tests start; a database per catalog)
test-postgres: install
	DUTYTRACE_TEST_POSTGRES=1 .venv/bin/python -m pytest -q -p no:cacheprovider

bench: install
	.venv/bin/python benchmarks/bench_sample.py

clean:
	rm -rf .dutytrace
