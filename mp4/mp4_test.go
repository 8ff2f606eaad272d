package mp4

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/testtool"
)

func box(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func mvhd0(timescale, duration uint32) []byte {
	p := make([]byte, 100)
	binary.BigEndian.PutUint32(p[12:], timescale)
	binary.BigEndian.PutUint32(p[16:], duration)
	return box("mvhd", p)
}

func mvhd1(timescale uint32, duration uint64) []byte {
	p := make([]byte, 112)
	p[0] = 1
	binary.BigEndian.PutUint32(p[20:], timescale)
	binary.BigEndian.PutUint64(p[24:], duration)
	return box("mvhd", p)
}

func TestDuration(t *testing.T) {
	ftyp := box("ftyp", []byte("M4A \x00\x00\x00\x00M4A isom"))
	tests := []struct {
		name string
		file []byte
		want time.Duration
		err  string
	}{
		{"v0", bytes.Join([][]byte{ftyp, box("moov", mvhd0(44100, 44100*90+22050))}, nil), 90500 * time.Millisecond, ""},
		{"v1 after mdat", bytes.Join([][]byte{ftyp, box("mdat", make([]byte, 1000)), box("moov", box("udta"), mvhd1(1000, 3_600_001))}, nil), time.Hour + time.Millisecond, ""},
		{"not mp4", []byte("ID3\x03\x00\x00\x00\x00\x00\x00 not an mp4 file"), 0, "not an MPEG-4"},
		{"no moov", bytes.Join([][]byte{ftyp, box("mdat", make([]byte, 10))}, nil), 0, "no moov"},
		{"bad size", append(ftyp, 0, 0, 0xff, 0xff, 'm', 'o', 'o', 'v'), 0, "bad size"},
		{"zero timescale", bytes.Join([][]byte{ftyp, box("moov", mvhd0(0, 5))}, nil), 0, "timescale is 0"},
		{"empty", nil, 0, "no moov"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Duration(bytes.NewReader(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Duration = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := Duration(bytes.NewReader([]byte("ID3\x03\x00\x00\x00\x00\x00\x00xxxxxxxx"))); !errors.Is(err, ErrNotMP4) {
		t.Errorf("err = %v, want ErrNotMP4", err)
	}
}

// TestDurationFFmpeg checks our reading against ffprobe's on a real AAC file
// that ffmpeg encoded.
func TestDurationFFmpeg(t *testing.T) {
	ffmpeg := testtool.Need(t, "ffmpeg")
	ffprobe := testtool.Need(t, "ffprobe")
	p := filepath.Join(t.TempDir(), "a.m4a")
	out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3.7", "-c:a", "aac", "-b:a", "32k", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	out, err = exec.Command(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", p).Output()
	if err != nil {
		t.Fatal(err)
	}
	secs, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Duration(f)
	if err != nil {
		t.Fatal(err)
	}
	if diff := got.Seconds() - secs; diff > 0.03 || diff < -0.03 {
		t.Errorf("Duration = %v, ffprobe says %.3fs", got, secs)
	}
}

func FuzzDuration(f *testing.F) {
	f.Add(bytes.Join([][]byte{box("ftyp", []byte("M4A ")), box("moov", mvhd0(1000, 5000))}, nil))
	f.Add([]byte("\x00\x00\x00\x01ftyp\x00\x00\x00\x00\x00\x00\x00\x10"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Duration(bytes.NewReader(data)) // must not panic or loop
	})
}
