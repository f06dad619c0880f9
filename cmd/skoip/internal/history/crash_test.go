package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The subprocess tests run this test binary again, with childEnv saying
// what TestChild does in it and pathEnv the history file.
const (
	childEnv = "SKOIP_HISTORY_TEST_CHILD"
	pathEnv  = "SKOIP_HISTORY_TEST_PATH"
	childOK  = "history child done"
	// crashMax is the max of the power cut test: small, so that every
	// third Add compacts and kills land in compactions too.
	crashMax = 2
)

func child(what, path string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+what, pathEnv+"="+path)
	return cmd
}

// TestChild is the subprocess.
func TestChild(t *testing.T) {
	path := os.Getenv(pathEnv)
	switch os.Getenv(childEnv) {
	case "":
		t.Skip("the subprocess of TestPowerCut and TestDiskFull")
	case "add":
		childAdd(t, path)
	case "diskfull":
		childDiskFull(t, path)
	default:
		t.Fatalf("%s=%q", childEnv, os.Getenv(childEnv))
	}
	fmt.Println(childOK)
}

// childAdd adds entries until it is killed, numbered on from the last in
// the file, and prints "ack N" once the Add of entry N returned.
func childAdd(t *testing.T, path string) {
	h := open(t, path, crashMax)
	next := 0
	if l := h.List(); len(l) > 0 {
		next = seqs(t, l)[len(l)-1] + 1
	}
	for ; ; next++ {
		e := entry(next)
		// A big entry: the writes take longer, and the kills land in them.
		e.Quality = json.RawMessage(`{"pad":"` + strings.Repeat("x", maxQuality-10) + `"}`)
		add(t, h, e)
		fmt.Printf("ack %d\n", next)
	}
}

// childDiskFull adds with the size of a file limited to 3000 bytes
// (RLIMIT_FSIZE): the write that crosses it fails with EFBIG, as on a full
// SD card it would with ENOSPC.
func childDiskFull(t *testing.T, path string) {
	h := open(t, path, 50)
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = 3000
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		err := h.Add(entry(i))
		if err == nil {
			continue
		}
		if !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), path) {
			t.Fatalf("Add %d = %v; want EFBIG naming the file", i, err)
		}
		if h.Len() != i+1 {
			t.Fatalf("after the error: Len %d, want %d", h.Len(), i+1)
		}
		// The next Add rewrites the whole history: it fails too.
		if err := h.Add(entry(i + 1)); !errors.Is(err, syscall.EFBIG) {
			t.Fatalf("Add %d after the error = %v", i+1, err)
		}
		fmt.Printf("full at %d\n", i)
		return
	}
	t.Fatal("no error in 100 Adds")
}

// checkSuffix checks that the history in path holds a suffix of the
// entries 0, 1, 2...: no gap, no duplicate, as many as max allows, the
// last one acked or acked+1 (the Add in progress when the child was
// killed). It returns the last one, -1 in an empty history.
func checkSuffix(t *testing.T, path string, acked int) int {
	t.Helper()
	h, err := Open(path, crashMax)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s := seqs(t, h.List())
	last := -1
	if len(s) > 0 {
		last = s[len(s)-1]
	}
	if len(s) != min(crashMax, last+1) {
		t.Fatalf("entries %v: want the last %d", s, crashMax)
	}
	for i := 1; i < len(s); i++ {
		if s[i] != s[i-1]+1 {
			t.Fatalf("entries %v: a gap or a duplicate", s)
		}
	}
	if last != acked && last != acked+1 {
		t.Fatalf("entries %v: the child acked %d", s, acked)
	}
	if h.Skipped() > 1 {
		t.Errorf("%d lines skipped", h.Skipped())
	}
	return last
}

// TestPowerCut kills the child adding entries at random moments, in
// appends and in compactions, 15 times.
func TestPowerCut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "calls.jsonl")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)
	last, inCompaction, skipped := -1, 0, 0
	for i := range 15 {
		cmd := child("add", path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Read the acks; the first says the child is adding.
		acked := atomic.Int64{}
		acked.Store(int64(last))
		first := make(chan struct{})
		done := make(chan string)
		go func() {
			var rest strings.Builder
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
					if v, err := strconv.Atoi(n); err == nil {
						if acked.Swap(int64(v)) == int64(last) {
							close(first)
						}
						continue
					}
				}
				rest.WriteString(sc.Text() + "\n")
			}
			done <- rest.String()
		}()
		select {
		case <-first:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("kill %d: the child adds nothing\n%s%s", i, <-done, stderr.String())
		}
		delay := time.Duration(5+rng.IntN(196)) * time.Millisecond
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		rest := <-done
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: the child ended before it was killed: %v\n%s%s", i, err, rest, stderr.String())
		}
		if len(temps(t, dir)) > 0 {
			inCompaction++
		}
		if h, err := Open(path, crashMax); err == nil && h.Skipped() > 0 {
			skipped++
		}
		a := int(acked.Load())
		l := checkSuffix(t, path, a)
		t.Logf("kill %d after %v: entries up to %d, acked %d", i, delay, l, a)
		if l < last {
			t.Fatalf("kill %d: entries up to %d, before it up to %d", i, l, last)
		}
		last = l
	}
	t.Logf("%d entries added, %d kills during a compaction (a temporary file left), %d with a torn line",
		last+1, inCompaction, skipped)
	if last < 15*3 {
		t.Errorf("%d entries added in 15 runs: the test tested little", last+1)
	}
	// The next compaction removes the temporary files left.
	h := open(t, path, crashMax)
	for i := range crashMax*2 + 1 {
		add(t, h, entry(last+1+i))
	}
	if tmp := temps(t, dir); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	checkSuffix(t, path, last+crashMax*2+1)
}

// TestDiskFull: Add returns the file system's error; what was written
// before stays readable.
func TestDiskFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	out, err := child("diskfull", path).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(childOK)) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var full int
	for _, l := range strings.Split(string(out), "\n") {
		if n, ok := strings.CutPrefix(l, "full at "); ok {
			full, _ = strconv.Atoi(n)
		}
	}
	h := open(t, path, 50)
	s := seqs(t, h.List())
	if len(s) == 0 || len(s) != s[len(s)-1]+1 || s[len(s)-1] != full-1 {
		t.Errorf("after the disk was full at entry %d: %v", full, s)
	}
	if h.Skipped() > 1 {
		t.Errorf("%d lines skipped", h.Skipped())
	}
	add(t, h, entry(full)) // room again
	if got := seqs(t, open(t, path, 50).List()); len(got) != full+1 || got[full] != full {
		t.Errorf("after the disk has room again: %v", got)
	}
}
