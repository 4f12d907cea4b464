# The two commands: `make dev` (local server) and `make test` (every check).
# Everything runs on the Python of the Lambda runtime that serverless.yml declares: on PATH as
# python3.X, or one of pyenv's versions (pyenv's python3.X shim only answers for its selected one).
LAMBDA_PYTHON := $(shell sed -n 's/^  runtime: python//p' serverless.yml)
PYTHON ?= $(firstword $(foreach candidate,$(shell command -v python$(LAMBDA_PYTHON)) \
	$(wildcard $(HOME)/.pyenv/versions/$(LAMBDA_PYTHON).*/bin/python$(LAMBDA_PYTHON)),\
	$(shell $(candidate) -c 'print("$(candidate)")' 2>/dev/null)) python$(LAMBDA_PYTHON))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_APP := web/dist/index.html
WEB_NODE := web/node_modules/.installed
CHROMIUM := /usr/bin/chromium
FAKETIME := /usr/bin/faketime

.PHONY: dev test test-dates lint bench schema clean package simulate fuzz mutate web web-check codegen

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
	touch $(STAMP)

dev: $(STAMP) $(WEB_APP)
	$(BIN)/studio-credits dev $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy studio_credits functions tests bench

# Both cores: test files are shared out as they finish (each worker starts its own local servers).
test: lint package web-check $(CHROMIUM)
	$(BIN)/pytest -n 2 --dist worksteal

# The web client (web/): its own package.json and lock, built by Vite into web/dist, which the local
# server serves at / (production: S3 behind CloudFront, README "Deploy").
WEB_SOURCES := $(shell find web/src web/public -type f) web/index.html web/vite.config.ts web/tsconfig.json

$(WEB_NODE): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_APP): $(WEB_NODE) $(WEB_SOURCES)
	cd web && npm run --silent build

web: $(WEB_APP)

# Types of the operations in graphql/operations/ (web/src/gql/), after a change to them or to the schema.
codegen: $(WEB_NODE)
	cd web && npm run --silent codegen

# The TypeScript check, and web/src/gql/ as codegen writes it from today's schema and operations.
web-check: $(WEB_NODE)
	cd web && npm run --silent typecheck
	rm -rf build/codegen
	cd web && CODEGEN_OUT=../build/codegen/ npm run --silent codegen > /dev/null
	diff -r web/src/gql build/codegen || { echo "web/src/gql is stale: run make codegen" >&2; exit 1; }

# Debian's packages the tests need: the browser tests drive its Chromium (Playwright cannot download
# browsers here), `make test-dates` fakes the clock with its libfaketime.
$(CHROMIUM) $(FAKETIME): /usr/bin/%:
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $*; \
	else \
		echo "The tests need Debian's $* at $@; make installs it only as root." >&2; \
		echo "Install it with: sudo apt-get install $*" >&2; \
		exit 1; \
	fi

# The pytest suite of `make test` once per instant of DATES, on a clock faked from there (.ci/test-dates):
# no test may depend on the day it runs. Month and year ends, a leap day, a date years ahead.
DATES ?= 2026-12-03T08:45:00Z 2026-12-31T23:59:50Z 2027-01-31T12:00:00Z 2027-02-28T23:59:59Z \
	2028-02-29T12:00:00Z 2030-07-01T00:00:00Z
test-dates: package $(CHROMIUM) $(FAKETIME)
	.ci/test-dates $(DATES)

# Deployment (serverless.yml): one Lambda zip of the code and the dependencies of pyproject.toml,
# built for the Lambda runtime, then `osls package` writes the CloudFormation template under
# .serverless/ with no AWS account: fake credentials and no instance metadata, so it never calls AWS.
LAMBDA_DEPS := build/lambda-deps
# The zip's dependencies and bytecode are for the runtime's Python: the build interpreter must match.
CHECK_LAMBDA_PYTHON = @$(BIN)/python -c "import sys; built = '%d.%d' % sys.version_info[:2]; \
	sys.exit(None if built == '$(LAMBDA_PYTHON)' else f'Lambda runs Python $(LAMBDA_PYTHON) (serverless.yml) \
	but .venv has Python {built}: make clean, then make PYTHON=python$(LAMBDA_PYTHON) package')"
LAMBDA_ZIP := build/studio-credits.zip
OSLS := node_modules/.bin/osls
OFFLINE_AWS := env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=packaging-offline \
	AWS_SECRET_ACCESS_KEY=packaging-offline AWS_EC2_METADATA_DISABLED=true

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Versions pinned to the ones the tests ran against (the venv's), for the runtime's platform.
$(LAMBDA_DEPS)/.installed: pyproject.toml $(STAMP)
	$(CHECK_LAMBDA_PYTHON)
	rm -rf $(LAMBDA_DEPS) && mkdir -p $(LAMBDA_DEPS)
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > build/requirements.txt
	$(BIN)/pip freeze --exclude-editable > build/constraints.txt
	$(BIN)/pip install --quiet --no-compile --target $(LAMBDA_DEPS) --implementation cp --python-version $(LAMBDA_PYTHON) \
		--platform manylinux2014_x86_64 --only-binary=:all: -r build/requirements.txt -c build/constraints.txt
	rm -rf $(LAMBDA_DEPS)/bin
	touch $@

# Only studio_credits/ and functions/ join the dependencies: no graphql/, tests/, bench/, infra/.
# Shipped with bytecode for the runtime's Python: Lambda unpacks the code read-only, so what the zip
# lacks is compiled again at every cold start. Unchecked-hash pycs (PEP 552) stay valid whatever
# timestamps the files get when unpacked.
$(LAMBDA_ZIP): $(LAMBDA_DEPS)/.installed $(shell find studio_credits functions -name '*.py') \
	$(wildcard studio_credits/mail/templates/*)
	$(CHECK_LAMBDA_PYTHON)
	rm -rf build/lambda $@ && cp -r $(LAMBDA_DEPS) build/lambda
	cp -r studio_credits functions build/lambda/
	find build/lambda -name __pycache__ -prune -exec rm -rf {} +
	$(BIN)/python -m compileall -q -j 0 --invalidation-mode unchecked-hash build/lambda
	cd build/lambda && ../../$(BIN)/python -m zipfile -c ../studio-credits.zip *

package: $(LAMBDA_ZIP) node_modules/.installed $(WEB_APP)
	$(OFFLINE_AWS) $(OSLS) package --stage test
	$(BIN)/cfn-lint

# The deterministic simulation of the whole service (tests/simulation/): SEEDS seeded 24-month runs.
SEEDS ?= 1000
simulate: $(STAMP)
	$(BIN)/python -m tests.simulation.run --seeds $(SEEDS)

# Generated GraphQL requests through the Lambda handler on moto (tests/api/test_fuzz.py): FUZZ_EXAMPLES
# of them (make test runs 200), from FUZZ_SEED.
FUZZ_EXAMPLES ?= 10000
FUZZ_SEED ?= 13
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) $(BIN)/pytest -p no:xdist tests/api/test_fuzz.py

# Mutation testing of the money core (pyproject.toml [tool.mutmut]; survivors explained in
# docs/mutation.md). Not part of `make test`. mutmut keeps its results in mutants/ and tests again
# only the functions changed since; `rm -rf mutants` starts over.
MUTATION_TARGET := 90
mutate: $(STAMP)
	HYPOTHESIS_PROFILE=mutate $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut export-cicd-stats
	@$(BIN)/python -c "import json, sys; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	tested = s['total'] - s['skipped']; killed = s['killed'] + s['timeout']; \
	print(f'mutation score: {killed} of {tested} mutants killed ({100 * killed / tested:.1f}%); ' \
	f'{s[\"survived\"]} survived, {s[\"no_tests\"]} without tests, {s[\"suspicious\"]} suspicious'); \
	sys.exit(None if 100 * killed >= $(MUTATION_TARGET) * tested else 'below $(MUTATION_TARGET)%')"
	$(BIN)/mutmut results

bench: $(STAMP) $(LAMBDA_ZIP)
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/refresh.py
	$(BIN)/python bench/hot_account.py

schema: $(STAMP)
	$(BIN)/studio-credits schema > graphql/schema.graphql

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build .serverless node_modules \
		web/node_modules web/dist mutants
