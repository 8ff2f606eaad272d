package mp3_test

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
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

func gen(t testing.TB, o mp3test.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := mp3test.Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// id3v2 builds an empty-ish ID3v2 tag of the given version with n bytes of
// frame area (a TIT2 then zero padding), unsynchronisation flag, extended
// header or footer as asked.
func id3v2(version byte, n int, flags byte) []byte {
	body := make([]byte, n)
	switch version {
	case 2:
		copy(body, []byte{'T', 'T', '2', 0, 0, 3, 0, 'h', 'i'})
	default:
		copy(body, []byte{'T', 'I', 'T', '2', 0, 0, 0, 3, 0, 0, 0, 'h', 'i'})
	}
	h := []byte{'I', 'D', '3', version, 0, flags, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
	out := append(h, body...)
	if flags&0x10 != 0 {
		f := append([]byte("3DI"), h[3:]...)
		out = append(out, f...)
	}
	return out
}

func apeTag() []byte {
	footer := make([]byte, 32)
	copy(footer, "APETAGEX")
	binary.LittleEndian.PutUint32(footer[8:], 2000)
	binary.LittleEndian.PutUint32(footer[12:], 32+20) // items + footer
	binary.LittleEndian.PutUint32(footer[20:], 1<<31) // has a header
	header := append([]byte(nil), footer...)
	return append(append(header, make([]byte, 20)...), footer...)
}

func id3v1() []byte {
	b := make([]byte, 128)
	copy(b, "TAG")
	copy(b[3:], "a title")
	return b
}

func TestProbe(t *testing.T) {
	tests := []struct {
		name   string
		opts   mp3test.Options
		before []byte
		after  []byte
		vbr    bool
		rate   int
	}{
		{name: "cbr-plain", opts: mp3test.Options{Frames: 300}, rate: 128000},
		{name: "cbr-info", opts: mp3test.Options{Frames: 300, Header: mp3test.Info}, rate: 128000},
		{name: "cbr-44k", opts: mp3test.Options{Frames: 301, SampleRate: 44100}, rate: 128000},
		{name: "cbr-44k-info", opts: mp3test.Options{Frames: 301, SampleRate: 44100, Header: mp3test.Info}, rate: 128000},
		{name: "mono-32k", opts: mp3test.Options{Frames: 50, SampleRate: 32000, Mono: true, Bitrate: 64}, rate: 64000},
		{name: "vbr-scan", opts: mp3test.Options{Frames: 400, VBR: true}, vbr: true, rate: 144000},
		{name: "vbr-xing", opts: mp3test.Options{Frames: 400, VBR: true, Header: mp3test.Xing}, vbr: true, rate: 144000},
		{name: "vbr-vbri", opts: mp3test.Options{Frames: 400, VBR: true, Header: mp3test.VBRI}, vbr: true, rate: 144000},
		{name: "one-frame", opts: mp3test.Options{Frames: 1}, rate: 128000},
		{name: "id3v2.2", opts: mp3test.Options{Frames: 20}, before: id3v2(2, 100, 0), rate: 128000},
		{name: "id3v2.3-unsync-ext", opts: mp3test.Options{Frames: 20}, before: id3v2(3, 300, 0xC0), rate: 128000},
		{name: "id3v2.4-footer", opts: mp3test.Options{Frames: 20, Header: mp3test.Info}, before: id3v2(4, 64, 0x10), rate: 128000},
		{name: "two-tags", opts: mp3test.Options{Frames: 20}, before: append(id3v2(3, 40, 0), id3v2(4, 40, 0)...), rate: 128000},
		{name: "junk-after-tag", opts: mp3test.Options{Frames: 20}, before: append(id3v2(3, 40, 0), 0, 0, 0, 0xFF, 0xFB, 0), rate: 128000},
		{name: "id3v1", opts: mp3test.Options{Frames: 20}, after: id3v1(), rate: 128000},
		{name: "ape-id3v1", opts: mp3test.Options{Frames: 20}, after: append(apeTag(), id3v1()...), rate: 128000},
		{name: "lyrics3", opts: mp3test.Options{Frames: 20}, after: []byte("LYRICSBEGINhello000016LYRICS200"), rate: 128000},
		{name: "xing-id3v1", opts: mp3test.Options{Frames: 20, VBR: true, Header: mp3test.Xing}, after: id3v1(), vbr: true, rate: 144000},
		{name: "info-lame", opts: mp3test.Options{Frames: 300, SampleRate: 44100, Header: mp3test.Info, Delay: 576, Padding: 1234}, rate: 128000},
		{name: "xing-lame", opts: mp3test.Options{Frames: 40, VBR: true, Header: mp3test.Xing, Delay: 4095, Padding: 1}, vbr: true, rate: 144000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audio := gen(t, tt.opts)
			file := append(append(append([]byte(nil), tt.before...), audio...), tt.after...)
			info, err := mp3.Probe(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			want := mp3.Info{
				Duration:   tt.opts.Duration(),
				Frames:     int64(tt.opts.Frames),
				Bitrate:    tt.rate,
				VBR:        tt.vbr,
				SampleRate: cmp(tt.opts.SampleRate, 48000),
				Channels:   2,
				AudioStart: int64(len(tt.before)),
				AudioEnd:   int64(len(tt.before) + len(audio)),
			}
			if tt.opts.Mono {
				want.Channels = 1
			}
			if tt.opts.Header != mp3test.None {
				want.HeaderFrame = 144 * max(cmp(tt.opts.Bitrate, 128), 128) * 1000 / want.SampleRate
			}
			want.EncoderDelay, want.EncoderPadding = tt.opts.Delay, tt.opts.Padding
			if tt.name == "junk-after-tag" {
				want.AudioStart = int64(len(tt.before))
			}
			if tt.vbr {
				// An average: check it is near the cycle's mean.
				if d := info.Bitrate - tt.rate; d < -3000 || d > 3000 {
					t.Errorf("bitrate %d, want about %d", info.Bitrate, tt.rate)
				}
				info.Bitrate = tt.rate
			}
			gapless := want.Duration - time.Duration(tt.opts.Delay+tt.opts.Padding)*time.Second/time.Duration(want.SampleRate)
			if d := info.Gapless() - gapless; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("Gapless() = %v, want %v", info.Gapless(), gapless)
			}
			if info != want {
				t.Errorf("Probe:\n got %+v\nwant %+v", info, want)
			}
		})
	}
}

func cmp(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func TestProbeBad(t *testing.T) {
	good := gen(t, mp3test.Options{Frames: 100})
	info := gen(t, mp3test.Options{Frames: 100, Header: mp3test.Info})
	tag := id3v2(3, 500, 0)
	tests := []struct {
		name string
		file []byte
		want error
	}{
		{"empty", nil, mp3.ErrNotMP3},
		{"text", []byte(strings.Repeat("This is no MP3 file.\n", 500)), mp3.ErrNotMP3},
		{"zeros", make([]byte, 100000), mp3.ErrNotMP3},
		{"tag-only", tag, mp3.ErrNotMP3},
		{"tag-too-big", tag[:300], mp3.ErrTruncated},
		{"cut-mid-frame", good[:len(good)-100], mp3.ErrTruncated},
		{"cut-info", info[:len(info)/2], mp3.ErrTruncated},
		{"cut-xing", gen(t, mp3test.Options{Frames: 100, VBR: true, Header: mp3test.Xing})[:5000], mp3.ErrTruncated},
		{"free-format", freeFormat(good, 384), mp3.ErrFreeFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mp3.Probe(bytes.NewReader(tt.file))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Probe error %v, want %v", err, tt.want)
			}
		})
	}
}

// freeFormat rewrites the frames of a CBR file of frames of n bytes as
// free-format frames: the same bytes, bitrate index 0.
func freeFormat(b []byte, n int) []byte {
	out := bytes.Clone(b)
	for p := 0; p+4 <= len(out); p += n {
		out[p+2] &= 0x0F
	}
	return out
}

// A frame of junk in the middle (a damaged file) is skipped: the frames
// before and after it count.
func TestProbeResync(t *testing.T) {
	a := gen(t, mp3test.Options{Frames: 30})
	b := gen(t, mp3test.Options{Frames: 40})
	file := append(append(append([]byte(nil), a...), bytes.Repeat([]byte{0x55}, 1000)...), b...)
	info, err := mp3.Probe(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 70 {
		t.Errorf("frames %d, want 70", info.Frames)
	}
}

func FuzzProbe(f *testing.F) {
	f.Add(gen(f, mp3test.Options{Frames: 3}))
	f.Add(gen(f, mp3test.Options{Frames: 3, Header: mp3test.Xing, VBR: true}))
	f.Add(gen(f, mp3test.Options{Frames: 3, Header: mp3test.VBRI}))
	f.Add(append(id3v2(4, 30, 0x10), gen(f, mp3test.Options{Frames: 2})...))
	f.Add(append(gen(f, mp3test.Options{Frames: 2}), apeTag()...))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := mp3.Probe(bytes.NewReader(b))
		if err != nil {
			return
		}
		if info.AudioStart < 0 || info.AudioStart > info.AudioEnd || info.AudioEnd > int64(len(b)) {
			t.Fatalf("audio range %d..%d outside the %d-byte file", info.AudioStart, info.AudioEnd, len(b))
		}
		if info.Duration < 0 {
			t.Fatalf("negative duration %v", info.Duration)
		}
	})
}

// TestProbeFFprobe compares the duration with ffprobe's frame count, on our
// generated files and on files lame and ffmpeg encoded.
func TestProbeFFprobe(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no external tools")
	}
	ffprobe := testtool.Need(t, "ffprobe")
	dir := t.TempDir()
	files := map[string]string{}
	for name, o := range map[string]mp3test.Options{
		"gen-cbr.mp3":  {Frames: 500, SampleRate: 44100},
		"gen-info.mp3": {Frames: 500, Header: mp3test.Info},
		"gen-xing.mp3": {Frames: 500, VBR: true, Header: mp3test.Xing},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, gen(t, o), 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = p
	}
	ffmpeg := testtool.Need(t, "ffmpeg")
	tone := filepath.Join(dir, "tone.wav")
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=7.3:sample_rate=44100", "-ac", "2", tone)
	files["ffmpeg-vbr.mp3"] = filepath.Join(dir, "ffmpeg-vbr.mp3")
	run(t, ffmpeg, "-v", "error", "-i", tone, "-c:a", "libmp3lame", "-q:a", "4", files["ffmpeg-vbr.mp3"])
	files["ffmpeg-cbr-mono.mp3"] = filepath.Join(dir, "ffmpeg-cbr-mono.mp3")
	run(t, ffmpeg, "-v", "error", "-i", tone, "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "64k", files["ffmpeg-cbr-mono.mp3"])
	lame := testtool.Need(t, "lame")
	files["lame-vbr.mp3"] = filepath.Join(dir, "lame-vbr.mp3")
	run(t, lame, "--quiet", "-V", "5", tone, files["lame-vbr.mp3"])
	files["lame-cbr-notag.mp3"] = filepath.Join(dir, "lame-cbr-notag.mp3")
	run(t, lame, "--quiet", "-b", "96", "-t", tone, files["lame-cbr-notag.mp3"])

	for name, p := range files {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			info, err := mp3.Probe(f)
			if err != nil {
				t.Fatal(err)
			}
			out := run(t, ffprobe, "-v", "error", "-count_frames", "-select_streams", "a:0",
				"-show_entries", "stream=nb_read_frames,sample_rate,channels", "-of", "default=nw=1", p)
			kv := map[string]int{}
			for _, line := range strings.Fields(out) {
				k, v, _ := strings.Cut(line, "=")
				kv[k], _ = strconv.Atoi(v)
			}
			spf := 1152
			if kv["sample_rate"] < 32000 {
				spf = 576
			}
			frame := time.Duration(spf) * time.Second / time.Duration(kv["sample_rate"])
			want := time.Duration(kv["nb_read_frames"]*spf) * time.Second / time.Duration(kv["sample_rate"])
			if d := info.Duration - want; d < -frame-time.Millisecond || d > frame+time.Millisecond {
				t.Errorf("duration %v, ffprobe counts %d frames = %v (±%v)", info.Duration, kv["nb_read_frames"], want, frame)
			}
			if info.SampleRate != kv["sample_rate"] || info.Channels != kv["channels"] {
				t.Errorf("got %d Hz %d channels, ffprobe %d Hz %d channels", info.SampleRate, info.Channels, kv["sample_rate"], kv["channels"])
			}
			t.Logf("%s: %+v; ffprobe frames %d", name, info, kv["nb_read_frames"])
		})
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
