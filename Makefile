# `make run` opens the app on the demo; `make test` runs every test. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := DEMO_API_TOKEN=demo-token-not-real DEMO_SMTP_PASSWORD=demo-smtp-password-not-real
DEMO_ARGS := --resources-path examples/components --config examples/config.yaml --app-id orders

.PHONY: run test lint screenshots benchmarks system-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[all]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,all]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-test
	$(DEMO_ENV) $(BIN)/dapr-secrets $(DEMO_ARGS)

# tmux drives the end-to-end test; rsvg-convert turns screenshots into PNG; zsh and fish run the
# completion scripts.
system-tools:
	@missing=""; \
	command -v tmux >/dev/null || missing="$$missing tmux"; \
	command -v rsvg-convert >/dev/null || missing="$$missing librsvg2-bin"; \
	command -v zsh >/dev/null || missing="$$missing zsh"; \
	command -v fish >/dev/null || missing="$$missing fish"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || \
		echo "could not install$$missing: the tests that need them will be skipped"; \
	fi

test: $(VENV)/.installed-test system-tools lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q

# The gates CI enforces before any test runs (configured in pyproject.toml): style and bugs, types
# (strict below tui/), and the layering contract (domain code never imports the UI).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy -p dapr_secrets
	$(BIN)/lint-imports

screenshots: $(VENV)/.installed-test system-tools
	$(DEMO_ENV) $(BIN)/python screenshots/generate.py

benchmarks: $(VENV)/.installed-test
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) *.egg-info
