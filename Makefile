# SKOIP: `make run` runs the intercom, `make test` runs every test. See README.md.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
PKG     := ./cmd/skoip
export CGO_ENABLED := 1

# Debian packages the tests use (peers, sounds, captures, cross compilers, qemu-user, ALSA).
DEB_PACKAGES := gcc libc6-dev libasound2 libasound2-plugins alsa-utils pulseaudio pulseaudio-utils \
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf libc6-dev-arm64-cross libc6-dev-armhf-cross \
	qemu-user-static libc6:arm64 libasound2:arm64 \
	sip-tester baresip-core sox espeak-ng tshark iproute2 procps
# Packages that `make run` needs (the sound card is opened through libasound at run time).
RUN_PACKAGES := gcc libc6-dev libasound2

.PHONY: all build run test deps deps-run fmt fmt-check vet gotest realtime cross qemu-check clean
all: build

build: deps-run
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/skoip $(PKG)

run: build
	./dist/skoip run

test: deps fmt-check vet gotest realtime cross qemu-check
	@echo "make test: all passed"

deps:
	@.ci/deps.sh $(DEB_PACKAGES)

deps-run:
	@.ci/deps.sh $(RUN_PACKAGES)

fmt:
	gofmt -w $$(git ls-files '*.go')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

gotest:
	$(GO) test -race -timeout 20m ./...

# Real-time tests run alone, after the parallel ones: their figures mean
# nothing on a machine that is busy with other tests.
realtime:
	SKOIP_REALTIME_TESTS=1 $(GO) test -count=1 -run 'TestALSAPacedByPulse' -v ./hw/audio | grep -E '^(---|===|ok|FAIL|PASS)|pace'

cross: dist/skoip-linux-arm64 dist/skoip-linux-armv7

dist/skoip-linux-arm64: FORCE
	GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

dist/skoip-linux-armv7: FORCE
	GOOS=linux GOARCH=arm GOARM=7 CC=arm-linux-gnueabihf-gcc $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

# The arm64 binary under qemu-user: it starts, and it accepts the shipped example config.
qemu-check: dist/skoip-linux-arm64
	qemu-aarch64-static dist/skoip-linux-arm64 version
	qemu-aarch64-static dist/skoip-linux-arm64 check-config config/skoip.toml

clean:
	rm -rf dist

FORCE:

