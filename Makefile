# Two commands for a newcomer: `make demo` grades the bundled sample class,
# `make test` runs the test suite. Both install into .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
OUT ?= out

.PHONY: demo test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/grader batch samples/class --out $(OUT)
	@echo "Open $(OUT)/index.html in a browser."

# The report tests drive Debian's Chromium (never a downloaded browser build) and need a
# font with Hangul to render Korean; actionlint checks the workflow's shell with shellcheck.
$(VENV)/.browser: $(VENV)/.installed
	@if ! dpkg -s chromium fonts-noto-cjk shellcheck >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-noto-cjk shellcheck; \
	fi
	touch $@

test: $(VENV)/.installed $(VENV)/.browser
	$(VENV)/bin/python -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy grader

clean:
	rm -rf $(VENV) $(OUT)
