# The two commands a newcomer needs are `make up` and `make test`; the rest are conveniences.
.PHONY: up down restart status logs test lint format lock

up:        ## install what is missing, start every server and service, leave the gateway answering
	deploy/stack/stack.sh up

test:      ## the whole suite against the real stack (starts it when it is not up)
	deploy/test.sh

down:      ## stop everything the stack started (state stays in .stack/)
	deploy/stack/stack.sh down

restart:   ## restart the application processes (after a code change); servers keep running
	deploy/stack/stack.sh restart

status:    ## one line per component
	deploy/stack/stack.sh status

logs:      ## follow the logs: `make logs` for all, `make logs C=kafka` for one component
	deploy/stack/stack.sh logs $(C)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

lock:      ## re-pin requirements*.lock from pyproject.toml
	.venv/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-find-links --no-emit-index-url -o requirements.lock pyproject.toml
	.venv/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-find-links --no-emit-index-url --extra dev -o requirements-dev.lock pyproject.toml

.PHONY: bench
bench:     ## the benchmark through the gateway, a few minutes; `make bench SMOKE=1`: each measurement once, light
	.venv/bin/python deploy/bench/bench.py $(if $(SMOKE),--smoke)

.PHONY: chaos
chaos:     ## on a running stack: kill -9 and restart every process and server under load, then check the invariants (SHORT=1: a subset)
	.venv/bin/python deploy/chaos/chaos.py $(if $(SHORT),--short)

.PHONY: screenshots
screenshots: ## on a running stack: the browser tests, keeping their screenshots in deploy/screenshots/ (the README's)
	STAFF_SCREENSHOTS_DIR=$(CURDIR)/deploy/screenshots .venv/bin/python -m pytest -q -p no:cacheprovider tests/browser
