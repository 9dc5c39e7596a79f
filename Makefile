# daigang — two commands on a fresh machine:
#   make run    virtualenv, install, static files, migrate, demo data, serve http://127.0.0.1:8000
#               with the periodic jobs beside it
#   make test   install what tests need (Debian's chromium, Chinese fonts and espeak-ng), run the suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Web processes behind the one port (`make serve WORKERS=4`), each listening on a socket of its
# own so that connections spread over them (daigang/core/serve.py says why not uvicorn
# --workers); above 1 needs REDIS_URL and STREAM_RELAY=process (the relay in its own process,
# started beside them) or STREAM_SERVER_URL (config/settings.py says why).
WORKERS ?= 1
SERVE = $(BIN)/python -m daigang.core.serve --host $(HOST) --port $(PORT) --workers $(WORKERS)
# collectstatic's output (daigang.core.static_files); settings read the same variable.
STATIC_ROOT ?= staticfiles
STATIC := $(STATIC_ROOT)/staticfiles.json

.PHONY: run test lint install chromium espeak-ng nginx coturn lock bench serve relay messages backup

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	@touch $@

install: $(STAMP) espeak-ng

# Static files hashed and compressed (gzip and brotli) again only when one of them changed or
# the packages did: brotli at its best takes seconds over the whole set.
$(STATIC): $(STAMP) $(shell find static -type f)
	$(BIN)/python manage.py collectstatic --noinput --clear -v0

# The periodic jobs (transcoding uploads, reminders, retention, …) run beside the server as the
# deployment's timers would (manage.py periodic reads deploy/systemd/daigang-*.timer).
run: install $(STATIC)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py periodic & jobs=$$!; \
	trap 'kill -TERM $$jobs 2>/dev/null; wait $$jobs' EXIT INT TERM; \
	$(SERVE)

# With STREAM_RELAY=process (and REDIS_URL) the relay runs beside the web processes and stops
# with them (Ctrl-C or SIGTERM: it drains, its rooms are interrupted, not ended).
serve: install $(STATIC)
ifeq ($(STREAM_RELAY),process)
	$(BIN)/python manage.py relay & relay=$$!; \
	trap 'kill -TERM $$relay 2>/dev/null; wait $$relay' EXIT INT TERM; \
	$(SERVE)
else
	$(SERVE)
endif

# The relay alone (STREAM_RELAY=process, REDIS_URL): a machine of its own, or beside `make serve`
# run elsewhere; RELAY_INDEX of STREAM_RELAYS (daigang/streaming/README.md).
RELAY_INDEX ?= 0
relay:
	$(BIN)/python manage.py relay --index $(RELAY_INDEX)

# Debian's chromium for the real-browser tests (never a downloaded browser build), and the
# Chinese fonts a phone has: without them every character is a box of another width, and the
# tests that measure the pages (tap targets, the first screen) measure something else.
chromium:
	@test -x /usr/bin/chromium && fc-list :lang=zh-cn family | grep -q . || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk \
	    >/dev/null; }

# Debian's espeak-ng reads jobs aloud (听岗位) for phones without a Chinese voice; its Mandarin
# voice comes in the package, nothing is downloaded at run time (daigang.jobs.listen).
espeak-ng:
	@command -v espeak-ng >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq espeak-ng >/dev/null; }

# Debian's nginx, for tests/test_nginx.py (deploy/nginx/daigang.conf in front of the application).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }

# Debian's coturn, for tests/test_coturn.py (deploy/coturn/turnserver.conf started on 127.0.0.1
# with a test secret; the package's own service is left as Debian installs it).
coturn:
	@command -v turnserver >/dev/null || test -x /usr/bin/turnserver || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq coturn >/dev/null; }

# Everything but WebRTC first; then the WebRTC tests (aiortc and Chromium with a fake camera)
# inside a loopback-only network namespace so no test can ever offer a LAN address.
# Lint, format and types first: they fail loudly and fast (rules in pyproject.toml; mypy keeps
# its incremental cache in .mypy_cache, so a re-run checks only what changed).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy daigang config

test: install chromium espeak-ng nginx coturn lint
	$(BIN)/python -m pytest -m "not webrtc" $(PYTEST_ARGS)
	scripts/in-loopback-netns $(BIN)/python -m pytest -m webrtc $(PYTEST_ARGS) \
	  || { rc=$$?; test $$rc = 5 && echo "(no WebRTC tests collected)" || exit $$rc; }

# Record exactly what was installed, for CI and for the next person.
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

# Each benchmark prints its figures and the ratio to a baseline measured in the same run.
bench: install
	scripts/in-loopback-netns $(BIN)/python -m bench.relay
	scripts/in-loopback-netns $(BIN)/python -m bench.relay_process
	$(BIN)/python -m bench.chat_fanout
	$(BIN)/python -m bench.apply_burst

# The database and uploaded files, online, into var/backups/daigang-<time>/ (README: Backups).
backup: install
	$(BIN)/python manage.py backup var/backups

# Refresh the English catalogue (locale/en) from the source and compile it; needs GNU gettext.
# Translate every new msgid (no fuzzy, no empty msgstr) before committing the .po and the .mo:
# the .mo is committed, so `make run` needs no gettext.
messages: install
	@command -v xgettext >/dev/null || { echo "GNU gettext is needed: apt-get install gettext"; exit 1; }
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=var
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv
