// Package wire is what the harness (package armvm) and vminit, the VM's
// PID 1, exchange: the spec that the harness writes into the initramfs
// at SpecPath, and the marker lines that vminit prints on the console.
//
// Every marker line starts with Prefix; after it a keyword and fields
// separated by single spaces:
//
//	armvm: module NAME ok
//	armvm: error module NAME: MESSAGE
//	armvm: wait PATH ok
//	armvm: error wait PATH: MESSAGE
//	armvm: begin NAME
//	armvm: end NAME exit=N
//	armvm: end NAME exit=-1 error=MESSAGE
//	armvm: file NAME SIZE SHA256 PATH
//	armvm: data BASE64
//	armvm: endfile
//	armvm: error MESSAGE
//	armvm: done
//
// NAME is a command's or module's name (no spaces), PATH the rest of the
// line; a file's data is standard base64 in lines of at most DataLine
// characters. An error line means that vminit gave up: it runs no further
// command and powers off.
package wire

import "time"

// SpecPath is where the spec lies in the initramfs, as JSON.
const SpecPath = "/armvm/spec.json"

// OutEnv names the environment variable that holds, for each command, an
// empty directory: what the command writes there is handed to the host.
const OutEnv = "ARMVM_OUT"

// Prefix starts every marker line.
const Prefix = "armvm: "

// The keywords after Prefix.
const (
	MarkModule  = "module"
	MarkWait    = "wait"
	MarkBegin   = "begin"
	MarkEnd     = "end"
	MarkFile    = "file"
	MarkData    = "data"
	MarkEndFile = "endfile"
	MarkError   = "error"
	MarkDone    = "done"
)

// DataLine is the most base64 characters on one data line.
const DataLine = 1024

// MaxFile is the largest file that vminit hands back; a larger one is an
// error. The serial console carries about 120 KB of a file's data per
// second (4 MiB took 34 s), so a file that size takes half a minute.
const MaxFile = 4 << 20

// Spec is what vminit does, in order: load Modules, wait for the paths
// in WaitFor, run Commands one after the other, power off.
type Spec struct {
	Modules  []Module      `json:"modules"`
	WaitFor  []string      `json:"waitFor"`
	Wait     time.Duration `json:"wait"` // the longest wait for all of WaitFor
	Commands []Command     `json:"commands"`
}

// Module is one kernel module to load with finit_module(2).
type Module struct {
	Name   string `json:"name"`
	Path   string `json:"path"`   // in the VM
	Params string `json:"params"` // "index=0 pcm_substreams=2"
}

// Command is one program to run.
type Command struct {
	Name    string        `json:"name"`
	Args    []string      `json:"args"` // Args[0] is the program's path in the VM
	Env     []string      `json:"env"`
	Dir     string        `json:"dir"`
	Timeout time.Duration `json:"timeout"`
}
