# SignCam: `make serve` runs the app on the shipped models, `make test` runs every test.
# Both install what they need on a fresh machine (venv, npm packages, Chromium from apt).

SHELL := /bin/bash
SHARED ?= ../shared
SIGNCAM_DATA ?= $(SHARED)/data
KERAS_HOME ?= $(SHARED)/keras
export SIGNCAM_DATA KERAS_HOME

NAME ?= digits
DATA ?= $(SIGNCAM_DATA)/sign-digits
TRAIN_ARGS ?=
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

VENV := .venv
PY := $(VENV)/bin/python
VENDOR_FILES := node_modules/@tensorflow/tfjs/dist/tf.min.js \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm

.PHONY: serve test train convert vendor venv chromium clean

serve: vendor
	@echo "SignCam is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory web

test: venv vendor chromium
	$(PY) -m pytest tests

train: venv
	$(PY) -m training.train --data "$(DATA)" --name $(NAME) $(TRAIN_ARGS)

convert: venv
	$(PY) -m training.export --name $(NAME)

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# The site serves its own copies of TF.js: never node_modules, never a CDN.
vendor: web/vendor/.copied
web/vendor/.copied: node_modules/.package-lock.json
	mkdir -p web/vendor
	cp $(VENDOR_FILES) web/vendor/
	touch $@

chromium: $(CHROMIUM)
$(CHROMIUM):
	apt-get update -q && apt-get install -y -q chromium

clean:
	rm -rf web/vendor node_modules $(VENV) .pytest_cache
