package voicemail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The subprocess tests run this test binary again, with childEnv saying
// what TestChild does in it and dirEnv the folder.
const (
	childEnv = "SKOIP_VOICEMAIL_TEST_CHILD"
	dirEnv   = "SKOIP_VOICEMAIL_TEST_DIR"
	childOK  = "voicemail child done"
)

func child(t *testing.T, what, dir string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+what, dirEnv+"="+dir)
	return cmd
}

// TestChild is the subprocess.
func TestChild(t *testing.T) {
	dir := os.Getenv(dirEnv)
	switch os.Getenv(childEnv) {
	case "":
		t.Skip("the subprocess of TestPowerCut and TestDiskFull")
	case "record":
		childRecord(t, dir)
	case "diskfull":
		childDiskFull(t, dir)
	default:
		t.Fatalf("%s=%q", childEnv, os.Getenv(childEnv))
	}
	fmt.Println(childOK)
}

// childRecord records messages until it is killed: about 20 times faster
// than real time, 1 s of speech and 0.3 s of quiet in turn.
func childRecord(t *testing.T, dir string) {
	s := open(t, dir, Limits{MaxMessages: 4, MaxLength: 1500 * time.Millisecond, Silence: 200 * time.Millisecond})
	gen := func(i int64) int16 {
		if i%(13*Rate/10) < Rate {
			return speech[i%Rate]
		}
		return quiet(i)
	}
	for {
		src := &fakeSource{gen: gen, delay: time.Millisecond}
		if _, err := s.Record(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	}
}

// childDiskFull records with the size of a file limited to 20000 bytes
// (RLIMIT_FSIZE): the write that crosses it fails with EFBIG, as on a full
// SD card it would with ENOSPC.
func childDiskFull(t *testing.T, dir string) {
	s := open(t, dir, Limits{MaxLength: 5 * time.Second})
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = 20000
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	src := &fakeSource{gen: speechAt(Rate/5, -1)}
	m, err := s.Record(context.Background(), src)
	if !errors.Is(err, ErrStorage) || !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Record = %+v, %v; want ErrStorage and EFBIG", m, err)
	}
	if src.given() >= 5*Rate {
		t.Errorf("recorded on after the error: %d samples read", src.given())
	}
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("files left: %v", n)
	}
	fmt.Println(err)
}

func TestPowerCut(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	cut := 0 // kills that left a partial recording
	for i := range 15 {
		cmd := child(t, "record", dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(20+rng.IntN(281)) * time.Millisecond
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: the child ended before it was killed: %v\n%s", i, err, out.String())
		}
		for _, n := range names(t, dir) {
			if strings.HasSuffix(n, ".wav") {
				checkWAV(t, filepath.Join(dir, n))
			}
		}
		if len(partials(t, dir)) > 0 {
			cut++
		}
		t.Logf("kill %d after %v: %v", i, delay, names(t, dir))
	}
	s := open(t, dir, Limits{MaxLength: time.Second})
	if p := partials(t, dir); len(p) != 0 {
		t.Errorf("after Open, partial files left: %v", p)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.Duration <= 0 {
			t.Errorf("%+v", m)
		}
		samplesOf(t, m.Path)
	}
	if len(list) == 0 || cut == 0 {
		t.Errorf("%d messages, %d kills during a recording: the test tested nothing", len(list), cut)
	}
}

func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	cmd := child(t, "diskfull", dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(childOK)) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("files left: %v", n)
	}
}
