//go:build unix

package local

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/podpipe/podpipe/storage"
)

// TestPutFileTakes checks that PutFile takes a staged file by rename (the
// object is the same inode: its content was not written again) and copies
// a file from another file system, which it leaves where it was.
func TestPutFileTakes(t *testing.T) {
	ctx := context.Background()
	st, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("ID3 and audio frames, say")
	sum := fmt.Sprintf("%x", sha256.Sum256(content))
	opts := storage.PutOptions{ContentType: "audio/mpeg"}

	f, err := st.CreateStaged()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(content); err != nil {
		t.Fatal(err)
	}
	staged, _ := f.Stat()
	f.Close()
	if _, err := st.PutFile(ctx, "episodes/a.mp3", f.Name(), int64(len(content)), sum, opts); err != nil {
		t.Fatal(err)
	}
	obj, err := os.Stat(filepath.Join(st.Dir(), "episodes", "a.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(obj, staged) {
		t.Errorf("the object is not the staged file renamed: its content was written again")
	}
	if obj.Mode().Perm() != 0o644 {
		t.Errorf("the object's mode is %v, want 0644", obj.Mode().Perm())
	}
	if _, err := os.Stat(f.Name()); !os.IsNotExist(err) {
		t.Errorf("the staged file is still there after PutFile: %v", err)
	}
	info, err := st.Stat(ctx, "episodes/a.mp3")
	if err != nil || info.ETag != `"`+sum+`"` {
		t.Errorf("Stat = %+v, %v; want the ETag of the sum given", info, err)
	}

	// One a killed run left behind is a leftover, and no object.
	killed, err := st.CreateStaged()
	if err != nil {
		t.Fatal(err)
	}
	killed.Close()
	left, err := st.Leftovers(ctx, info.ModTime.Add(1<<40))
	if err != nil || len(left) != 1 || filepath.Join(st.Dir(), left[0].ID) != killed.Name() {
		t.Errorf("Leftovers = %+v, %v; want the staged file %s", left, err, killed.Name())
	}
	for _, l := range left {
		if err := st.RemoveLeftover(ctx, l); err != nil {
			t.Error(err)
		}
	}
	if list, err := st.List(ctx, ""); err != nil || len(list) != 1 {
		t.Errorf("List = %+v, %v; want the one object", list, err)
	}

	shm, err := os.Stat("/dev/shm")
	if err != nil || shm.Sys().(*syscall.Stat_t).Dev == obj.Sys().(*syscall.Stat_t).Dev {
		t.Skip("no /dev/shm on another file system than the test's temporary folder")
	}
	dir, err := os.MkdirTemp("/dev/shm", "podpipe-test-")
	if err != nil {
		t.Skipf("/dev/shm: %v", err)
	}
	defer os.RemoveAll(dir)
	other := filepath.Join(dir, "b.mp3")
	if err := os.WriteFile(other, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutFile(ctx, "episodes/b.mp3", other, int64(len(content)), sum, opts); err != nil {
		t.Fatalf("PutFile from another file system: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(st.Dir(), "episodes", "b.mp3"))
	if err != nil || string(got) != string(content) {
		t.Errorf("the object copied from another file system holds %q, %v", got, err)
	}
	if left, err := os.ReadFile(other); err != nil || string(left) != string(content) {
		t.Errorf("the file on the other file system is %q, %v after the copy; want it as it was", left, err)
	}
	if left, _ := st.Leftovers(ctx, info.ModTime.Add(1<<40)); len(left) != 0 {
		t.Errorf("PutFile left %+v behind", left)
	}
}

// TestPutFileLink hands PutFile a symbolic link: the object is a copy of
// the file it names, and the link and the file stay as they were.
func TestPutFileLink(t *testing.T) {
	st, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	content := []byte("the file the link names")
	if err := os.WriteFile(filepath.Join(dir, "real.mp3"), content, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.mp3")
	if err := os.Symlink("real.mp3", link); err != nil {
		t.Fatal(err)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(content))
	if _, err := st.PutFile(context.Background(), "a.mp3", link, int64(len(content)), sum, storage.PutOptions{ContentType: "audio/mpeg"}); err != nil {
		t.Fatal(err)
	}
	obj, err := os.Lstat(filepath.Join(st.Dir(), "a.mp3"))
	if err != nil || !obj.Mode().IsRegular() {
		t.Fatalf("the object is %v, %v; want a regular file", obj, err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link after PutFile: %v, %v", fi, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "real.mp3")); err != nil || string(b) != string(content) {
		t.Errorf("the file the link names after PutFile: %q, %v", b, err)
	}
}
