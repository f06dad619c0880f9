package armvm

import (
	"io/fs"
	"time"
)

// Spec is what one boot does: load Modules, wait for WaitFor, run
// Commands one after the other, power off.
type Spec struct {
	// Modules are loaded in order, each after its dependencies
	// (modules.dep); a dependency is loaded once.
	Modules []Module
	// Files are put into the initramfs, beside vminit and the modules.
	Files []File
	// Commands run one after the other, whatever their exit status.
	Commands []Command
	// WaitFor are paths in the VM that must exist before the first
	// command, such as "/dev/snd/pcmC0D0p": devtmpfs creates device nodes
	// a moment after a driver registers them.
	WaitFor []string
	// Wait bounds the wait for all of WaitFor; 0 is 5 s.
	Wait time.Duration
	// QEMUArgs are appended to QEMU's command line, such as
	// "-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0",
	// "-audiodev", "wav,id=snd0,path=/tmp/out.wav".
	QEMUArgs []string
	// Timeout bounds the VM from QEMU's start to its power-off; 0 is
	// 3 min. The test's deadline (go test -timeout) also bounds it.
	Timeout time.Duration
}

// Module is a kernel module in the kernel directory.
type Module struct {
	Name   string // as modprobe takes it: "snd-aloop" or "snd_aloop"
	Params string // as insmod takes them: "index=0 pcm_substreams=2"
}

// File is one file in the VM.
type File struct {
	Host string      // a file on the host to copy
	Data []byte      // or the content, if Host is ""
	VM   string      // its absolute path in the VM
	Mode fs.FileMode // 0 is the host file's mode, or 0644 for Data
}

// Command is one program that vminit runs.
type Command struct {
	// Name tells the command's markers and result apart: unique in the
	// spec, of letters, digits, '.', '_' and '-'.
	Name string
	// Args[0] is the program's absolute path in the VM (there is no
	// shell and no PATH search).
	Args []string
	// Env is added to PATH=/bin:/sbin, HOME=/tmp, TMPDIR=/tmp and
	// ARMVM_OUT, the command's own empty output directory.
	Env []string
	// Dir is the working directory in the VM; "" is "/".
	Dir string
	// Timeout bounds the command; 0 is 1 min. At the timeout it is
	// killed and the next command runs.
	Timeout time.Duration
}

// Result is what a boot reported.
type Result struct {
	// Console is the whole serial console, the kernel's messages
	// included, with the "\r" of line ends removed.
	Console string
	// Commands holds every command of the spec, by name.
	Commands map[string]CommandResult
	// Boot is the time from QEMU's start to the first command's start.
	Boot time.Duration
}

// CommandResult is what one command did.
type CommandResult struct {
	// Exit is the exit status; -1 if the command did not exit by itself
	// (killed at its timeout or by a signal) or could not start.
	Exit int
	// Error says why Exit is -1: "timeout after 1m0s", "signal:
	// segmentation fault", "fork/exec /bin/x: exec format error".
	Error string
	// Output is the command's stdout and stderr, interleaved as written,
	// with any kernel message printed meanwhile; a last line without a
	// newline gets one.
	Output string
	// Files is what the command wrote under $ARMVM_OUT, by path
	// relative to it.
	Files map[string][]byte
}
