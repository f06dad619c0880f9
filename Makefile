# SKOIP: `make run` runs the intercom, `make test` runs every test. See README.md.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
PKG     := ./cmd/skoip
export CGO_ENABLED := 1
# miniaudio (inside malgo) with only what skoip uses, the ALSA and null backends: no decoders,
# encoders, engine or node graph, and unused C functions dropped at link time. 0.55 MB off a
# binary that is almost all resident while it runs (`make bench`, RSS). Inherited by the e2e
# tests' own build of skoip.
MINIAUDIO := -DMA_NO_DECODING -DMA_NO_ENCODING -DMA_NO_GENERATION -DMA_NO_RESOURCE_MANAGER \
	-DMA_NO_NODE_GRAPH -DMA_NO_ENGINE -DMA_ENABLE_ONLY_SPECIFIC_BACKENDS -DMA_ENABLE_ALSA -DMA_ENABLE_NULL
export CGO_CFLAGS := -O2 -ffunction-sections -fdata-sections $(MINIAUDIO)
export CGO_LDFLAGS := -Wl,--gc-sections

# Debian packages the tests use (peers, sounds, captures, cross compilers, qemu-user, ALSA).
DEB_PACKAGES := gcc libc6-dev libasound2 libasound2-plugins alsa-utils pulseaudio pulseaudio-utils \
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf libc6-dev-arm64-cross libc6-dev-armhf-cross \
	qemu-user-static libc6:arm64 libasound2:arm64 \
	libspeexdsp-dev libspeexdsp-dev:arm64 libspeexdsp-dev:armhf \
	sip-tester baresip-core linphone-cli kamailio kamailio-tls-modules mosquitto mosquitto-clients sox espeak-ng tshark iproute2 procps
# Packages that `make run` needs (the sound card is opened through libasound at run time; the
# echo canceller, speexdsp, is linked in statically).
RUN_PACKAGES := gcc libc6-dev libasound2 libspeexdsp-dev

.PHONY: all build run test deps deps-run deps-cross fmt fmt-check vet staticcheck gotest realtime measure cross qemu-check clean
all: build

build: deps-run
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/skoip $(PKG)

run: build
	./dist/skoip run

test: deps fmt-check vet staticcheck gotest realtime measure cross qemu-check
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

# staticcheck at a pinned version, built from the module proxy into Go's build cache
# (about a minute the first time, seconds after): v0.8.2 is staticcheck 2026.2.2, which
# reads Go 1.26 code.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck:
	$(GO) run $(STATICCHECK) ./...

gotest:
	$(GO) test -race -timeout 20m ./...

# The measurements of the microphone chain (echo canceller in simulated rooms, STOI of the
# chain and through a call) run without the race detector, which would make them take
# minutes of CPU beside the real-time tests; they skip themselves under -race.
measure:
	$(GO) test -count=1 -run 'TestTargets|TestRooms|TestRoomPathChange|TestRoomLoudEcho|TestEchoAttenuation|TestDelayEstimate|TestEchoPathChange|TestDrift|ChainSTOI' -v ./media/aec ./media

# Real-time tests run alone, after the parallel ones: their figures mean
# nothing on a machine that is busy with other tests.
realtime:
	SKOIP_REALTIME_TESTS=1 $(GO) test -count=1 -run 'TestALSAPacedByPulse' -v ./hw/audio

# The cross builds link speexdsp (the echo canceller) statically from Debian's multiarch packages.
CROSS_PACKAGES := gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf libc6-dev-arm64-cross libc6-dev-armhf-cross \
	libspeexdsp-dev:arm64 libspeexdsp-dev:armhf

deps-cross:
	@.ci/deps.sh $(CROSS_PACKAGES)

cross: deps-cross dist/skoip-linux-arm64 dist/skoip-linux-armv7

dist/skoip-linux-arm64: FORCE
	GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) build -buildmode=pie -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

dist/skoip-linux-armv7: FORCE
	GOOS=linux GOARCH=arm GOARM=7 CC=arm-linux-gnueabihf-gcc $(GO) build -buildmode=pie -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

# The arm64 binary under qemu-user: it starts, and it accepts the shipped example config;
# and the arm64 audio code opens a file-backed ALSA PCM through libasound2:arm64, byte-exact.
# The packages that make raw system calls on kernel structs (recvmmsg and SO_TIMESTAMPNS in
# media/rtpsess, timerfd; the structs are x/sys/unix's, generated per architecture) run their
# tests as arm64 and armv7 (pure Go: static, no loader).
RAW_SYSCALL_PKGS := media/rtpsess hw/timerfd
qemu-check: dist/skoip-linux-arm64
	set -e; for p in $(RAW_SYSCALL_PKGS); do n=$$(basename $$p); \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) test -c -o dist/$$n-arm64.test ./$$p; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 $(GO) test -c -o dist/$$n-armv7.test ./$$p; \
	  (cd $$p && qemu-aarch64-static ../../dist/$$n-arm64.test && qemu-arm-static ../../dist/$$n-armv7.test); done
	qemu-aarch64-static dist/skoip-linux-arm64 version
	qemu-aarch64-static dist/skoip-linux-arm64 check-config config/skoip.toml
	GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) test -c -o dist/audio-arm64.test ./hw/audio
	cd hw/audio && CI=true qemu-aarch64-static ../../dist/audio-arm64.test -test.run 'FilePCM|Fallback' -test.v
	.ci/qemu-alsa.sh dist/skoip-linux-arm64

clean:
	rm -rf dist

FORCE:

# ---- appliance: .deb, SD-card image, image test (image/, systemd/) ----------------------------
# Needs root for the image (debootstrap, chroot). Caches the Debian roots in $(SKOIP_CACHE).
.PHONY: deb sounds deb-test lintian image image-test service-test deps-image
SKOIP_CACHE ?= /var/cache/skoip-test
export SKOIP_CACHE
# Debian packages of the appliance targets (README.md, "The SD-card image").
IMAGE_PACKAGES := sox espeak-ng lintian debootstrap qemu-user-static binfmt-support \
	qemu-system-arm e2fsprogs mtools dosfstools fdisk zstd systemd

deps-image:
	@.ci/deps.sh $(IMAGE_PACKAGES)

sounds: dist/sounds/doorbell.wav

dist/sounds/doorbell.wav: image/sounds.sh
	sh image/sounds.sh dist/sounds

deb: deps-image cross sounds
	rm -f dist/skoip_*.deb
	sh image/deb.sh arm64 dist/skoip-linux-arm64 '$(VERSION)' dist/sounds dist
	sh image/deb.sh armhf dist/skoip-linux-armv7 '$(VERSION)' dist/sounds dist

# The unit (systemd-analyze verify, security exposure), sysusers, tmpfiles, sd_notify.
service-test:
	$(GO) test -race -count=1 ./systemd/

lintian: deb
	lintian --fail-on error dist/skoip_*_arm64.deb dist/skoip_*_armhf.deb

# Install, run `skoip check-config`, remove and purge each .deb in a chroot of its architecture (qemu-user).
deb-test: deb
	sh image/deb-test.sh dist/skoip_*_arm64.deb
	sh image/deb-test.sh dist/skoip_*_armhf.deb

image: deb
	sh image/image.sh dist/skoip_*_arm64.deb dist/skoip-sd-arm64.img

# Boot dist/skoip-sd-arm64.img in qemu-system-aarch64 and check the service from the host.
image-test: image
	SKOIP_IMAGE=$(CURDIR)/dist/skoip-sd-arm64.img $(GO) test -count=1 -timeout 40m -v -run TestImage ./image/
# ---- end appliance ---------------------------------------------------------------------------

# ---- bench (cmd/skoip/e2e, helper "e2e") ------------------------------------------------------
# `make bench`: SKOIP and baresip 1.0.0 side by side on loopback (two of each, a 30 s G.711 call
# per pair, 3 runs): CPU, RSS, threads, start to SIP listening, INVITE -> 200 OK and the callee's
# RTP-in to audio-out delay from a tshark capture, medians and SKOIP/baresip ratios; and SKOIP's
# CPU with the shipped microphone chain (echo cancellation, noise suppression) on. About 5 min.
# Not part of `make test`.
.PHONY: bench
bench: deps
	SKOIP_BENCH=1 $(GO) test -count=1 -run '^TestBench$$' -v -timeout 15m ./cmd/skoip/e2e/
# ---- end bench ---------------------------------------------------------------------------------
