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
	qemu-user-static qemu-system-arm libc6:arm64 libasound2:arm64 \
	libspeexdsp-dev libspeexdsp-dev:arm64 libspeexdsp-dev:armhf libopus-dev libopus-dev:arm64 libopus-dev:armhf ffmpeg \
	sip-tester baresip-core linphone-cli kamailio kamailio-tls-modules mosquitto mosquitto-clients sox espeak-ng tshark iproute2 procps wpasupplicant
# Packages that `make run` needs (the sound card is opened through libasound at run time; the
# echo canceller, speexdsp, and Opus, libopus, are linked in statically).
RUN_PACKAGES := gcc libc6-dev libasound2 libspeexdsp-dev libopus-dev

.PHONY: all build run test deps deps-run deps-cross fmt fmt-check vet staticcheck vm-kernel gotest nocgo-test realtime measure cross qemu-check clean
all: build

build: deps-run
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/skoip $(PKG)

run: build
	./dist/skoip run

test: deps fmt-check vet staticcheck gotest nocgo-test realtime measure cross qemu-check
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

# Debian's arm64 kernel and its sound modules, for the tests that boot it in
# qemu-system-aarch64 (internal/testsupport/armvm): SKOIP_VM_KERNEL.
vm-kernel:
	@.ci/vm-kernel.sh $(SKOIP_CACHE)/vm-kernel

gotest: vm-kernel
	SKOIP_VM_KERNEL=$$(.ci/vm-kernel.sh $(SKOIP_CACHE)/vm-kernel) $(GO) test -race -timeout 20m ./...

# The cgo-free build (ARMv6, `make static`): the packages whose code differs without cgo (no
# malgo, speexdsp or libopus: the pure-Go ALSA backend, no Opus, half duplex against echo).
# The VM test of the ALSA backend already runs cgo-free builds (gotest).
nocgo-test:
	CGO_ENABLED=0 $(GO) test -count=1 -skip 'TestKernelCardsInVM' ./media/aec/ ./media/codec/ ./hw/audio/... ./config/...
	CGO_ENABLED=0 $(GO) test -count=1 -run 'NoCGO' ./media/

# The measurements of the microphone chain (echo canceller in simulated rooms, STOI of the
# chain and through a call) run without the race detector, which would make them take
# minutes of CPU beside the real-time tests; they skip themselves under -race.
measure:
	$(GO) test -count=1 -run 'TestTargets|TestRooms|TestRoomPathChange|TestRoomLoudEcho|TestEchoAttenuation|TestDelayEstimate|TestEchoPathChange|TestDrift|ChainSTOI' -v ./media/aec ./media

# Real-time tests run alone, after the parallel ones: their figures mean
# nothing on a machine that is busy with other tests.
realtime:
	SKOIP_REALTIME_TESTS=1 $(GO) test -count=1 -run 'TestALSAPacedByPulse' -v ./hw/audio

# The cross builds link speexdsp (the echo canceller) and libopus statically from Debian's
# multiarch packages.
CROSS_PACKAGES := gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf libc6-dev-arm64-cross libc6-dev-armhf-cross \
	libspeexdsp-dev:arm64 libspeexdsp-dev:armhf libopus-dev:arm64 libopus-dev:armhf

deps-cross:
	@.ci/deps.sh $(CROSS_PACKAGES)

cross: deps-cross dist/skoip-linux-arm64 dist/skoip-linux-armv7 dist/skoip-linux-armv6

dist/skoip-linux-arm64: FORCE
	GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) build -buildmode=pie -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

dist/skoip-linux-armv7: FORCE
	GOOS=linux GOARCH=arm GOARM=7 CC=arm-linux-gnueabihf-gcc $(GO) build -buildmode=pie -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

# The Pi Zero, Zero W and Pi 1 (ARMv6, arm1176): without cgo, because Debian's armhf C compiler
# and its crt files emit ARMv7/Thumb-2 whatever -march says (the armv7 binary dies there with
# SIGILL: see qemu-check). So no Opus and no speexdsp (README.md, "Platforms and builds").
# Static (no loader, no libc); not PIE: Go links PIE on arm only through an external linker.
dist/skoip-linux-armv6: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=6 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

# `make static`: cgo-free static binaries, which run on any Linux of their architecture, with
# no C library at all (armv6 is one by construction). Not part of `make test`: the armv6 build
# there is the same code.
.PHONY: static
static: dist/skoip-linux-amd64-static dist/skoip-linux-arm64-static dist/skoip-linux-armv7-static \
	dist/skoip-linux-armv6

dist/skoip-linux-amd64-static dist/skoip-linux-arm64-static: dist/skoip-linux-%-static: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=$* $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

dist/skoip-linux-armv7-static: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ $(PKG)
	@file $@ 2>/dev/null || true

# The arm64 binary under qemu-user: it starts, and it accepts the shipped example config;
# and the arm64 audio code opens a file-backed ALSA PCM through libasound2:arm64, byte-exact.
# The armv6 binary does the same on an emulated Pi Zero CPU (-cpu arm1176), where the armv7
# cgo binary must die with SIGILL (exit 132): proof that the emulated CPU is ARMv6, and the
# failure that the armhf package's /usr/bin/skoip avoids (it picks the armv6 binary there).
# The packages that make raw system calls on kernel structs (recvmmsg and SO_TIMESTAMPNS in
# media/rtpsess, timerfd; the structs are x/sys/unix's, generated per architecture) run their
# tests as arm64, armv7 and armv6 on arm1176 (pure Go: static, no loader). Add a package to
# RAW_SYSCALL_PKGS by its path: its tests run in its own directory.
RAW_SYSCALL_PKGS := media/rtpsess hw/timerfd hw/audio/kpcm
qemu-check: dist/skoip-linux-arm64 dist/skoip-linux-armv7 dist/skoip-linux-armv6
	set -e; for p in $(RAW_SYSCALL_PKGS); do n=$$(echo $$p | tr / -); t=$(CURDIR)/dist/$$n; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) test -c -o $$t-arm64.test ./$$p; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 $(GO) test -c -o $$t-armv7.test ./$$p; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=6 $(GO) test -c -o $$t-armv6.test ./$$p; \
	  (cd $$p && qemu-aarch64-static $$t-arm64.test && qemu-arm-static $$t-armv7.test && \
	   qemu-arm-static -cpu arm1176 $$t-armv6.test); done
	qemu-aarch64-static dist/skoip-linux-arm64 version
	qemu-aarch64-static dist/skoip-linux-arm64 check-config config/skoip.toml
	qemu-arm-static -cpu arm1176 dist/skoip-linux-armv6 version
	qemu-arm-static -cpu arm1176 dist/skoip-linux-armv6 check-config config/skoip.toml
	qemu-arm-static -cpu cortex-a7 dist/skoip-linux-armv7 version
	@ulimit -c 0; rc=0; qemu-arm-static -cpu arm1176 dist/skoip-linux-armv7 version >/dev/null 2>&1 || rc=$$?; \
	  if [ $$rc != 132 ]; then echo "armv7 binary on arm1176: exit $$rc, want 132 (SIGILL)"; exit 1; fi; \
	  echo "armv7 binary on arm1176: SIGILL, as on a Pi Zero"
	GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) test -c -o dist/audio-arm64.test ./hw/audio
	cd hw/audio && CI=true qemu-aarch64-static ../../dist/audio-arm64.test -test.run 'FilePCM|Fallback' -test.v
	.ci/qemu-alsa.sh dist/skoip-linux-arm64

clean:
	rm -rf dist

FORCE:

# ---- appliance: .deb, SD-card image, image test (image/, systemd/) ----------------------------
# Needs root for the image (debootstrap, chroot). Caches the Debian roots in $(SKOIP_CACHE).
.PHONY: deb sounds deb-test lintian image bundle image-test service-test deps-image
SKOIP_CACHE ?= /var/cache/skoip-test
export SKOIP_CACHE
# Debian packages of the appliance targets (README.md, "The SD-card image").
IMAGE_PACKAGES := sox espeak-ng lintian debootstrap qemu-user-static binfmt-support \
	qemu-system-arm e2fsprogs mtools dosfstools fdisk zstd systemd rauc squashfs-tools openssl

deps-image:
	@.ci/deps.sh $(IMAGE_PACKAGES)

sounds: dist/sounds/doorbell.wav

dist/sounds/doorbell.wav: image/sounds.sh
	sh image/sounds.sh dist/sounds

deb: deps-image cross sounds
	rm -f dist/skoip_*.deb
	sh image/deb.sh arm64 dist/skoip-linux-arm64 '$(VERSION)' dist/sounds dist
	sh image/deb.sh armhf dist/skoip-linux-armv7 '$(VERSION)' dist/sounds dist dist/skoip-linux-armv6

# The unit (systemd-analyze verify, security exposure), sysusers, tmpfiles, sd_notify.
service-test:
	$(GO) test -race -count=1 ./systemd/

lintian: deb
	lintian --fail-on error dist/skoip_*_arm64.deb dist/skoip_*_armhf.deb

# Install, run `skoip check-config`, remove and purge each .deb in a chroot of its architecture
# (qemu-user); the armhf one also as on an ARMv7 CPU and on an ARMv6 one (a Pi Zero's arm1176).
deb-test: deb
	sh image/deb-test.sh dist/skoip_*_arm64.deb
	sh image/deb-test.sh dist/skoip_*_armhf.deb

image: deb
	sh image/image.sh dist/skoip_*_arm64.deb dist/skoip-sd-arm64.img

# A signed RAUC update bundle of the same root (image/bundle.sh): `skoip update FILE|URL` on the
# unit installs it into the other root slot. Signed with $(SKOIP_CACHE)/keys' development key
# unless SKOIP_BUNDLE_KEY and SKOIP_BUNDLE_CERT name yours (the image trusts the same certificate).
bundle: deb
	sh image/bundle.sh dist/skoip_*_arm64.deb '$(VERSION)' dist/skoip-$(VERSION)-arm64.raucb

# Boot dist/skoip-sd-arm64.img in qemu-system-aarch64 and check the service from the host; then
# updates with the bundle of the same build (kept, refused, rolled back) and SKOIP_POWERCUTS (20)
# power cuts.
image-test: image bundle
	SKOIP_IMAGE=$(CURDIR)/dist/skoip-sd-arm64.img SKOIP_BUNDLE=$(CURDIR)/dist/skoip-$(VERSION)-arm64.raucb \
		$(GO) test -count=1 -timeout 160m -v -run TestImage ./image/
# ---- end appliance ---------------------------------------------------------------------------

# ---- bench (cmd/skoip/e2e, helper "e2e") ------------------------------------------------------
# `make bench`: SKOIP and baresip 1.0.0 side by side on loopback (two of each, a 30 s G.711 call
# per pair, 3 runs): CPU, RSS, threads, start to SIP listening, INVITE -> 200 OK and the callee's
# RTP-in to audio-out delay from a tshark capture, medians and SKOIP/baresip ratios; and SKOIP's
# CPU with the shipped microphone chain (echo cancellation, noise suppression) on, and over TLS
# with SRTP; the static (cgo-free) build beside the cgo build, its targets asserted. About 9 min.
# Not part of `make test`.
.PHONY: bench
bench: deps
	SKOIP_BENCH=1 $(GO) test -count=1 -run '^TestBench$$' -v -timeout 15m ./cmd/skoip/e2e/
# ---- end bench ---------------------------------------------------------------------------------

# ---- bench-wideband (cmd/skoip/e2e, helper "e2e") ---------------------------------------------
# `make bench-wideband`: speech of 3 espeak-ng talkers through two SKOIP units and through two
# baresip 1.0.0, with G.722, Opus and G.711 µ-law, over RTP impaired by a relay (none; loss of 3,
# 5 and 10%; 0-40 ms of jitter; 5% in bursts of 3): STOI, segmental SNR, log-spectral distance
# and the 3.4-7 kHz band of what each listener plays, against the clean speech, side by side;
# CPU per 30 s call and SKOIP's mouth-to-ear delay per codec. Calls run 4 at a time. About
# 10 min. Not part of `make test`.
.PHONY: bench-wideband
bench-wideband: deps
	SKOIP_BENCH_WB=1 $(GO) test -count=1 -run '^TestWidebandBench$$' -parallel 4 -v -timeout 30m ./cmd/skoip/e2e/
# ---- end bench-wideband ------------------------------------------------------------------------
