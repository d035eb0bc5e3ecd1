# Two commands for a newcomer: `make demo` grades the bundled sample class,
# `make test` runs the test suite. Both install into .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
OUT ?= out

# --durations: the slowest tests are printed, so that the suite's growth is visible.
PYTEST := $(VENV)/bin/python -m pytest --durations=25
# Installed system-wide by `make test`, without their recommends (those would add ~100
# packages no test uses: avahi-daemon, CUPS and printer helpers, upower...).
SYSTEM_PACKAGES := chromium fonts-noto-cjk shellcheck

.PHONY: demo test test-fast test-nobrowser lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# --timeout is CPU seconds per exercise, whatever the machine's load: 20 is five times what
# the sample answers need (compile_fit asks for more itself) and keeps dan's endless loop short.
demo: $(VENV)/.installed
	$(VENV)/bin/grader batch samples/class --out $(OUT) --timeout 20
	@echo "Open $(OUT)/index.html in a browser."

# The report tests drive Debian's Chromium (never a downloaded browser build) and need a
# font with Hangul to render Korean; actionlint checks the workflow's shell with shellcheck.
# Chromium's postinst makes it x-www-browser and gnome-www-browser (update-alternatives);
# when make installed it, those two entries are removed again so the default browser stays
# what it was.
$(VENV)/.browser: $(VENV)/.installed
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || printf ' %s' $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "make test installs system-wide:$$missing"; \
		{ $$SUDO apt-get update -qq && \
		  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing; } || \
		{ echo "Could not install$$missing; \`make test-nobrowser\` runs the tests without them."; exit 1; }; \
		case "$$missing " in *" chromium "*) \
			for name in x-www-browser gnome-www-browser; do \
				$$SUDO update-alternatives --quiet --remove $$name /usr/bin/chromium; \
			done;; \
		esac; \
	fi
	touch $@

test: $(VENV)/.installed $(VENV)/.browser
	$(PYTEST)

# The tests not marked slow: no real zygote or TensorFlow runner, no browser.
test-fast: $(VENV)/.installed
	$(PYTEST) -m "not slow"

# Everything but the Chromium tests, for a machine where system packages cannot be
# installed (actionlint then runs without shellcheck). CI runs `make test`.
test-nobrowser: $(VENV)/.installed
	$(PYTEST) --ignore=tests/views/test_html_browser.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy grader

clean:
	rm -rf $(VENV) $(OUT)
