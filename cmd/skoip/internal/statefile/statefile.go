package statefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// Replace puts data in path through a synced temporary file renamed over
// it (see the package doc); the folder is not synced.
func Replace(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// WriteAtomic is Replace, then the folder synced.
func WriteAtomic(path string, data []byte, perm os.FileMode) error {
	if err := Replace(path, data, perm); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir makes a folder's entries (a rename, a removal) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// ErrNotRegular is a path that is not a regular file (a FIFO, a device, a
// folder).
var ErrNotRegular = errors.New("not a regular file")

// ReadRegular returns the content of the regular file at path, of at most
// max bytes; a missing file is fs.ErrNotExist.
func ReadRegular(path string, max int) ([]byte, error) {
	return readRegular(path, max, 0)
}

// ReadOwnRegular is ReadRegular for root reading a file in a folder that a
// less privileged user may write: a symbolic link there (to a file only
// root may read) is refused (ELOOP), not followed.
func ReadOwnRegular(path string, max int) ([]byte, error) {
	return readRegular(path, max, syscall.O_NOFOLLOW)
}

func readRegular(path string, max, flags int) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|flags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}
