# Node.js clustering lab. Every target calls the lab's CLI (lab/dist/cli.js), which
# holds the logic; variables given on make's command line (MODE=cluster …) reach it
# through the environment as given: none is exported here, so an unset variable stays
# unset and `MODE=` (empty) can be refused. `make help` lists them.
# What the lab needs beyond npm packages (OS packages, Node 24, Prometheus 3) is installed by the
# CLI's set-up step (lab/src/setup/), which up, bench, compare and test all run.

LAB := node lab/dist/cli.js

# The build is a stamp: rebuilt only when a source, a tsconfig or the installed packages
# changed, so a target (and a refusal) answers at once when nothing did.
BUILD_STAMP := node_modules/.cache/lab-build.stamp
BUILD_INPUTS := $(shell find app/src lab/src grafana/src -type f 2>/dev/null) \
	$(wildcard tsconfig.base.json */tsconfig*.json */package.json) k6/scenario.json

.PHONY: help install setup build up down bench compare sweep scale resilience ps logs test bench-instrumentation bench-generator bench-refusals generate k8s

help: build
	@$(LAB) help

node_modules/.package-lock.json: package-lock.json
	npm ci
	@touch $@

install: node_modules/.package-lock.json

# PURPOSE: lab (bench, compare), up (adds Prometheus) or test (adds Chromium, promtool).
setup: build
	@$(LAB) setup $(or $(PURPOSE),lab)

build: $(BUILD_STAMP)

$(BUILD_STAMP): node_modules/.package-lock.json $(BUILD_INPUTS)
	@npm run build --silent
	@mkdir -p $(dir $@) && touch $@

up: build
	@$(LAB) up

down: build
	@$(LAB) down

bench: build
	@$(LAB) bench

compare: build
	@$(LAB) compare

# Open-model latency under offered load (RATES, SLO_P99_MS, STEP_SECONDS, SWEEP_CONNECTIONS) and USL scaling.
sweep: build
	@$(LAB) sweep

scale: build
	@$(LAB) scale

# A graceful stop, a rolling restart and a kill -9 of one worker, each under the seed load, per topology (MODE).
resilience: build
	@$(LAB) resilience

ps: build
	@$(LAB) ps

logs: build
	@$(LAB) logs

test: build
	@$(LAB) setup test
	npm test

generate: install
	npm run generate --workspaces --if-present

# Kubernetes manifests into deploy/kubernetes/ from the topology table, validated offline
# against the API schemas; nothing is applied (docs/kubernetes.md).
k8s: build
	@node lab/dist/kubernetes/generate.js

bench-instrumentation: build
	npm run bench:instrumentation -w app

bench-generator: build
	npm run bench:generator -w lab

# How fast each bad input is refused, through make (exit code, the lab's one line, median and max ms).
bench-refusals: build
	npm run bench:refusals -w lab --silent
