# converge: build, demo and test entry points. See README.md.
SHELL := /bin/bash
K8S_VERSION := v1.36.3
LC_LDFLAGS := -X k8s.io/component-base/version.gitVersion=$(K8S_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 \
	-X k8s.io/component-base/version.gitMinor=36 \
	-X k8s.io/component-base/version.gitTreeState=clean
LC_SOURCES := $(wildcard localcluster/*.go) localcluster/go.mod localcluster/go.sum
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: build localcluster demo demo-sync test bench-apply bench-sync bench-preview bench-render bench-validate bench-diff schemas lint clean

build: bin/converge

bin/converge: $(shell find . -name '*.go' -not -path './localcluster/*') go.mod go.sum
	go build -ldflags "-X github.com/convergehq/converge/cmd.version=$(VERSION)" -o $@ ./cmd/converge

# The local control plane is rebuilt only when its sources or go.sum change.
localcluster: bin/localcluster

bin/localcluster: $(LC_SOURCES)
	@echo "building bin/localcluster (etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok nodes; about 15 minutes cold)"
	cd localcluster && go build -ldflags "$(LC_LDFLAGS)" -o ../bin/localcluster .

demo: build localcluster
	hack/demo.sh

demo-sync: build localcluster
	hack/demo-sync.sh

test: build localcluster
	hack/test.sh

bench-apply: build localcluster
	hack/bench-apply.sh

bench-sync: build localcluster
	hack/bench-sync.sh

bench-preview: build
	hack/bench-preview.sh

bench-render: build
	hack/bench-render.sh

bench-validate: build
	hack/bench-validate.sh

bench-diff: build localcluster
	hack/bench-diff.sh

# Regenerates schemas/data from a live local control plane and the
# k8s.io/kubernetes module's published OpenAPI documents.
schemas: localcluster
	hack/schemas.sh

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...
	cd localcluster && go vet ./...

clean:
	rm -rf bin
