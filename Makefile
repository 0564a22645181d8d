# Every target sets itself up: a fresh clone needs only `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# make report STUDENT_NAME="Your Name" STUDENT_ID=312345678 [DRAFT=1] [DATE=YYYY-MM-DD]
#             [SET="hidden=8 activation=tanh lr=0.5"] [WAIT=1]   (report/README.md)
STUDENT_NAME ?=
STUDENT_ID ?=
SET ?=
DATE ?=
DRAFT ?=
WAIT ?=
ZIP := DL_LAB1_$(STUDENT_ID)_$(subst $() ,_,$(STUDENT_NAME)).zip
STUDENT := --student-name "$(STUDENT_NAME)" --student-id "$(STUDENT_ID)"
BUILD_OPTIONS := --set "$(SET)" $(if $(DATE),--date "$(DATE)") $(if $(DRAFT),--draft) $(if $(WAIT),--wait)

.PHONY: setup tex chromium torch test report notebooks lab playground bench lint zip clean

setup: $(STAMP)

# Re-installs only when the requirements change, so a second run installs nothing.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

# Debian TeX packages for the PDF; installs them when root, else prints the command.
tex:
	@sh report/install_tex.sh

# PyTorch is an optional oracle for tests and benchmarks; absent, they skip with a reason.
torch: setup
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q torch==2.13.0 \
		|| echo "torch==2.13.0 not installable here: torch comparisons will be skipped"

# Debian's chromium for the playground's browser test; installs it when root, else the test skips.
chromium:
	@sh tests/install_chromium.sh

test: setup tex chromium
	$(PY) -m pytest -q

# Incremental: only notebooks whose code, parameters, library or versions changed run again.
report: setup tex
	$(PY) report/build.py $(STUDENT) $(BUILD_OPTIONS)

notebooks: setup
	$(PY) report/build.py --notebooks-only --set "$(SET)" $(if $(WAIT),--wait)

# Jupyter refuses to run as root (a container's default user) without --allow-root.
lab: setup
	$(VENV)/bin/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# The back-propagation playground as a web app (Voila), without the notebook's code cells.
playground: setup
	$(VENV)/bin/voila notebooks/playground.ipynb

bench: setup torch
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/bench_build.py

lint: setup
	$(PY) -m pyflakes lab1 tests benchmarks report

# The TA's submission format: one zip named DL_LAB1_<ID>_<name>.zip with the PDF and the source.
# The build reuses an up-to-date PDF (and, without DATE, its date); submission.py checks the
# PDF was built for this name and ID.
zip: setup tex
	@test -z "$(DRAFT)" || { echo "make zip: a DRAFT report cannot be submitted; run make zip without DRAFT" >&2; exit 1; }
	$(PY) report/build.py $(STUDENT) $(BUILD_OPTIONS) $(if $(DATE),,--reuse-date)
	$(PY) report/submission.py $(STUDENT) "$(ZIP)" report/lab1_report.pdf

clean:
	rm -rf report/build report/lab1_report.build.json figures/*.pdf figures/*.png .pytest_cache DL_LAB1_*.zip
	find . -name __pycache__ -prune -exec rm -rf {} +
