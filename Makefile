# Node.js clustering lab. Every target calls the lab's CLI (lab/dist/cli.js), which
# holds the logic; variables (MODE, WORKERS, REQUESTS, CONCURRENCY, TARGET_PATH,
# REPEAT, RUNTIME, NODE) pass through the environment. `make help` lists them.

LAB := node lab/dist/cli.js
export MODE WORKERS REQUESTS CONCURRENCY TARGET_PATH REPEAT RUNTIME NODE

.PHONY: help install build up down bench compare ps logs test bench-instrumentation bench-generator generate

help: build
	@$(LAB) help

node_modules/.package-lock.json: package-lock.json
	npm ci
	@touch $@

install: node_modules/.package-lock.json

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

ps: build
	@$(LAB) ps

logs: build
	@$(LAB) logs

test: install
	npm test

generate: install
	npm run generate --workspaces --if-present

bench-instrumentation: build
	npm run bench:instrumentation -w app

bench-generator: build
	npm run bench:generator -w lab
