# Node.js clustering lab. Every target calls the lab's CLI (lab/dist/cli.js), which
# holds the logic; variables (MODE, WORKERS, REQUESTS, CONCURRENCY, TARGET_PATH,
# REPEAT, RUNTIME, NODE, LAB_INSTALL) pass through the environment. `make help` lists them.
# What the lab needs beyond npm packages (OS packages, Node 24, Prometheus 3) is installed by the
# CLI's set-up step (lab/src/setup/), which up, bench, compare and test all run.

LAB := node lab/dist/cli.js
export MODE WORKERS REQUESTS CONCURRENCY TARGET_PATH REPEAT RUNTIME NODE LAB_INSTALL RATES SLO_P99_MS STEP_SECONDS SWEEP_CONNECTIONS

.PHONY: help install setup build up down bench compare sweep scale resilience ps logs test bench-instrumentation bench-generator generate

help: build
	@$(LAB) help

node_modules/.package-lock.json: package-lock.json
	npm ci
	@touch $@

install: node_modules/.package-lock.json

# PURPOSE: lab (bench, compare), up (adds Prometheus) or test (adds Chromium, promtool).
setup: build
	@$(LAB) setup $(or $(PURPOSE),lab)

build: install
	@npm run build --silent

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

bench-instrumentation: build
	npm run bench:instrumentation -w app

bench-generator: build
	npm run bench:generator -w lab
