# r1lab: the commands README.md opens with.
#
#   make data    generate the paper-size K&K data (the main job is `go run ./cmd/r1lab reproduce`)
#   make test    install what the tests need, then vet and test everything
#
# Test tools are installed under .tools/ (git-ignored); Debian packages with
# apt-get (sudo when not root). Nothing is downloaded at run time by r1lab.

GO            ?= go
TOOLS         := $(CURDIR)/.tools
SUDO          := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Pinned versions of the test tools (gonb and goimports are pinned by go.mod's tool block).
DUCKDB_NODE   := @duckdb/node-api@1.5.6-r.1
APT_PACKAGES  := jupyter-notebook jupyter-nbconvert python3-nbconvert python3-ipykernel \
                 jupyter-client python3-jupyter-client python3-torch libopenblas0-pthread

.PHONY: data test deps deps-apt deps-go deps-node kernel notebooks

data:
	$(GO) run ./cmd/r1lab data --task kk --out data/kk

# The second `go test` builds with GOEXPERIMENT=simd (GoMLX's AVX2/AVX-512 kernels: faster on
# some CPUs, slower on others; backend.SIMDBuild): that build must keep building, and its kernels
# must pass the model's tests.
test: deps
	$(GO) vet ./...
	PATH="$(TOOLS)/bin:$$PATH" R1LAB_NODE_MODULES="$(TOOLS)/node/node_modules" R1LAB_REQUIRE_INTEROP=1 R1LAB_REQUIRE_NOTEBOOKS=1 \
		$(GO) test -timeout 30m ./...
	PATH="$(TOOLS)/bin:$$PATH" GOEXPERIMENT=simd $(GO) test -timeout 10m ./gomlxmodels/...

deps: deps-apt deps-go deps-node

# Debian's Jupyter (runs the GoNB notebooks headlessly), PyTorch with OpenBLAS
# (the benchmark peer, whose equivalence with our model is a test) and Node.js
# (runs the DuckDB interoperability check); installed only when missing.
deps-apt:
	@if ! command -v jupyter-nbconvert >/dev/null || ! command -v npm >/dev/null || \
		! /usr/bin/python3 -c 'import torch' 2>/dev/null; then \
		extra=""; command -v npm >/dev/null || extra="nodejs npm"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(APT_PACKAGES) $$extra; \
	fi

# GoNB (the notebooks' kernel) and goimports, at the versions go.mod pins.
deps-go:
	GOBIN="$(TOOLS)/bin" $(GO) install tool

# DuckDB for Node: a Parquet reader we did not write, for the interop test.
deps-node:
	@[ -d "$(TOOLS)/node/node_modules/@duckdb/node-api" ] || \
		npm install --prefix "$(TOOLS)/node" --no-audit --no-fund --loglevel=error $(DUCKDB_NODE)

# Register the "Go (r1lab)" Jupyter kernel (GoNB and goimports at go.mod's versions) and check it.
kernel:
	$(GO) run ./cmd/r1lab kernel install --check

# Execute every notebook headlessly and check outputs and figures.
notebooks: deps
	PATH="$(TOOLS)/bin:$$PATH" R1LAB_REQUIRE_NOTEBOOKS=1 $(GO) test -count=1 -v ./notebooks/
