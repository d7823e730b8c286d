# SignCam: `make serve` runs the app on the shipped models, `make test` runs every test.
# Both install what they need on a fresh machine (venv, npm packages, Chromium from apt).

SHELL := /bin/bash
SHARED ?= ../shared
SIGNCAM_DATA ?= $(SHARED)/data
KERAS_HOME ?= $(SHARED)/keras
export SIGNCAM_DATA KERAS_HOME

NAME ?= digits
# The shipped models' recipes: `make train NAME=letters` trains what web/model/letters/ holds.
DATA_digits := $(SIGNCAM_DATA)/sign-digits
TRAIN_ARGS_digits := --size 160 --head-epochs 30 --fine-tune-epochs 30 --patience 6
DATA_letters := $(SIGNCAM_DATA)/asl-letters $(SIGNCAM_DATA)/asl-letters-multisigner
# asl-alphabet-64's train/ photos, a third signer and room, join its training photos (never val or
# test); the multisigner set's signer S2 is kept out of all three, so that the shipped model is
# scored on a person it never saw (training/signers.py; letters card).
TRAIN_ARGS_letters := --size 160 --head-epochs 25 --fine-tune-epochs 10 \
	--fine-tune-from block_3_expand --patience 3 \
	--extra-data $(SIGNCAM_DATA)/asl-alphabet-64/train --hold-out-signer S2
# The letters keypoint model also learns the hands of asl-alphabet-64's signer and of the fourteen
# webcam people (landmarks only: runs/landmarks/CACHE.npz), each person weighed by count^-0.5 of
# their photos, with the fusion weight and no-hand bar chosen on held-out people: all three chosen
# by leave-people-out (`make people`; docs/experiments.md, "People as the unit").
EXTRA_PHOTOS_letters := $(SIGNCAM_DATA)/asl-alphabet-64/train $(SIGNCAM_DATA)/asl-letters-webcams
KEYPOINT_ARGS_letters := --person-balance 0.5 --fusion-image-weight 0.45 --no-hand-bar 0.5
# Landmarks of every 2nd photo of the video-frame sets: neighbouring frames are near-duplicates, and
# all of them tilt the keypoint model toward its one signer (leave-one-dataset-out 64.3 % vs 66.2 %).
EVERY_asl-letters := 2
EVERY_asl-alphabet-64-train := 2
# A folder's landmark cache: its name, with its parent's for a train/ or test/ folder (training.landmarks).
cache_name = $(if $(filter train test,$(notdir $(1))),$(notdir $(patsubst %/,%,$(dir $(1))))-$(notdir $(1)),$(notdir $(1)))
# Accuracy on people it never saw, shown in the page: leave people out (studies/people_out.py,
# `make people`); for digits, the recipe trained with --split-by-signer (its card says how).
NEW_PEOPLE_letters = $(wildcard runs/people/summary.json)
NEW_PEOPLE_digits = $(dir $(wildcard runs/digits-new-signers/keypoints.json))
DATA ?= $(or $(DATA_$(NAME)),$(error name the photos: make train NAME=$(NAME) DATA=folder))
TRAIN_ARGS ?= $(TRAIN_ARGS_$(NAME))
EXTRA_PHOTOS ?= $(EXTRA_PHOTOS_$(NAME))
KEYPOINT_ARGS ?= $(KEYPOINT_ARGS_$(NAME))
NEW_PEOPLE ?= $(NEW_PEOPLE_$(NAME))
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

VENV := .venv
PY := $(VENV)/bin/python
# MediaPipe lives in a venv of its own: it pins protobuf<5, which TensorFlow cannot use.
HANDS_VENV := .venv-hands
VENDOR_FILES := node_modules/@tensorflow/tfjs/dist/tf.min.js \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm \
	node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm

.PHONY: serve test train convert eval landmarks people language vendor venv chromium clean site bench spell-bench

serve: vendor
	@echo "SignCam is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory web

test: venv vendor chromium $(HANDS_VENV)/.installed
	$(PY) -m pytest tests

# DATA may name several folders (merged by class name). The keypoint model needs each folder's
# landmark cache, made once by `make landmarks`. SIGNS_FILES: people's saved signs ("Save my signs"),
# each one more person for the keypoint model (training/signs_files.py).
train: venv
	$(PY) -m training.train --data $(DATA) --name $(NAME) $(TRAIN_ARGS)
	$(foreach d,$(DATA) $(EXTRA_PHOTOS),test -f runs/landmarks/$(call cache_name,$(d)).npz || $(MAKE) landmarks DATA=$(d);)
	$(PY) -m training.keypoints --name $(NAME) $(KEYPOINT_ARGS) \
		--extra-landmarks $(foreach d,$(EXTRA_PHOTOS),$(call cache_name,$(d))) \
		$(if $(SIGNS_FILES),--signs-files $(SIGNS_FILES))

# Score a model on photos it never saw: make eval MODEL=web/model/letters DATA=folder-or-csv
# EVAL_ARGS: --browser (the page's own code in Chromium), --crop 0.8, --without-twins-of TRAINING_DATA,
# --part test|held_out (instead of DATA: the model's own test photos, or the person it was trained without)
MODEL ?= web/model/$(NAME)
eval: venv
	$(PY) -m training.evaluate --model $(MODEL) $(if $(filter --part,$(EVAL_ARGS)),,--data $(DATA)) $(EVAL_ARGS)

landmarks: $(HANDS_VENV)/.installed
	$(HANDS_VENV)/bin/python -m training.landmarks --data $(DATA) --every $(or $(EVERY),$(EVERY_$(call cache_name,$(DATA))),1)

# Leave people out (studies/people_out.py): every letters person scored by keypoint models trained
# without them, with the shipped image model where it never saw them: runs/people/summary.json, and
# the same people once they taught the page their signs (studies/personal_people.py: personal.json);
# `make convert NAME=letters` puts both in the page (or, the model unchanged: python -m training.export
# --name letters --new-people runs/people/summary.json --only-new-people).
# PEOPLE_ARGS: --curve (learning curve), --power, --seeds.
LETTER_PHOTOS := asl-letters asl-letters-multisigner asl-alphabet-64/train asl-letters-webcams
people: venv
	$(foreach d,$(LETTER_PHOTOS),test -f runs/landmarks/$(call cache_name,$(d)).npz || $(MAKE) landmarks DATA=$(SIGNCAM_DATA)/$(d);)
	$(PY) -m studies.people_out $(PEOPLE_ARGS)
	$(PY) -m studies.personal_people

# Also writes the chart of signs the page teaches with (model/NAME/signs.json: training/chart.py),
# from the landmark caches the keypoint model trained on.
convert: venv
	$(PY) -m training.export --name $(NAME) $(if $(NEW_PEOPLE),--new-people $(NEW_PEOPLE))

# The letter model of English the page spells with (web/language/en.json) and the completion list
# (words.json), from wordfreq's word counts, and the census's names (names.json) that completion and
# word correction know too. How much the letter model helps: studies/english.py.
language: venv
	$(call pip_install,$(PY),requirements-language.txt)
	$(PY) -m training.language

# Words spelled by the 15 people the letters models never saw, through web/speller.js under node
# (studies/spelling.py; needs `make people`'s runs/people/): runs/spelling/summary.json, and the
# README's spelling table's numbers, bench/spelling.json.
# SPELL_ARGS: --hold-s SECONDS, --english off. SPELL_LIVE=30: also 30 words spelled to the live page
# through the fake camera, against the fast runner (studies/spelling_live.py, ~5 min).
spell-bench: venv vendor chromium
	$(call pip_install,$(PY),requirements-language.txt)  # wordfreq and names: the word lists
	test -f runs/people/summary.json || $(MAKE) people
	$(PY) -m studies.spelling $(SPELL_ARGS)
	$(PY) -m studies.sign_space
	$(if $(SPELL_LIVE),$(PY) -m studies.spelling_live --words $(SPELL_LIVE))

# Every web/model/*/ against a Teachable-Machine-equivalent model in one headless Chromium (~3 min):
# prints the table, writes bench/results.json and refreshes the table in README.md.
bench: venv vendor chromium
	$(PY) -m bench.run $(BENCH_ARGS)

venv: $(VENV)/.installed
# A dropped download (TensorFlow's wheel is 645 MB) must not fail the build: pip resumes a cut
# download, and a failed install is tried again after a pause, three times in all.
pip_install = for try in 1 2 3; do $(1) -m pip install --quiet --resume-retries 10 -r $(2) && break; \
	test $$try = 3 && exit 1; echo "pip install -r $(2) failed (try $$try of 3); again in 30 s"; \
	sleep 30; done

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(call pip_install,$(PY),requirements.txt)
	touch $@

$(HANDS_VENV)/.installed: requirements-hands.txt
	test -x $(HANDS_VENV)/bin/python || python3 -m venv $(HANDS_VENV)
	$(HANDS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(call pip_install,$(HANDS_VENV)/bin/python,requirements-hands.txt)
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --fetch-retries 5

# The site serves its own copies of TF.js: never node_modules, never a CDN.
vendor: web/vendor/.copied
web/vendor/.copied: node_modules/.package-lock.json
	mkdir -p web/vendor
	cp $(VENDOR_FILES) web/vendor/
	# MediaPipe Hands ships its wasm and models in the npm package (lite model unused: complexity 1).
	mkdir -p web/vendor/mediapipe
	cp $(filter-out %_lite.tflite %README.md %.d.ts %package.json,$(wildcard node_modules/@mediapipe/hands/*)) web/vendor/mediapipe/
	touch $@

# The deployable folder (GitHub Pages): the page, its modules, vendor/ and model/, nothing else.
# sw.js gets the list of files and a hash of them: any change makes a new offline cache.
SITE ?= site
site: vendor
	rm -rf "$(SITE).tmp" && mkdir -p "$(SITE).tmp"
	cp web/*.html web/*.js web/*.css web/*.webmanifest web/*.svg "$(SITE).tmp/"
	cp -r web/vendor web/model web/language "$(SITE).tmp/"
	cd "$(SITE).tmp" && find . -name '.*' -type f -delete && \
	  files=$$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort) && \
	  version=$$(sha256sum $$files | sha256sum | cut -c1-16) && \
	  list=$$(printf '"%s",' $$files) && \
	  sed -i.orig "s|^const BUILD = null;.*|const BUILD = { version: '$$version', files: [$${list%,}] };|" sw.js && \
	  rm sw.js.orig && grep -q "^const BUILD = { version: '$$version'" sw.js
	rm -rf "$(SITE)" && mv "$(SITE).tmp" "$(SITE)"
	@echo "Built $(SITE)/: $$(find "$(SITE)" -type f | wc -l) files, $$(du -sh "$(SITE)" | cut -f1)"

chromium: $(CHROMIUM)
$(CHROMIUM):
	apt-get update -q && apt-get install -y -q -o Acquire::Retries=5 chromium

clean:
	rm -rf web/vendor node_modules $(VENV) .pytest_cache
