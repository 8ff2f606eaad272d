package feed

import (
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/manifest"
)

// TestWriteStreams: the feed reaches the writer item by item, not once
// rendered whole. The oldest episode, the feed's last item, has no guid,
// so Write fails on it: by then every item before it has been written.
func TestWriteStreams(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	proto := m.Episodes[0]
	const n = 500
	m.Episodes = make([]manifest.Episode, n)
	for i := range m.Episodes {
		e := proto
		e.Slug = "ep-" + itoa(int64(i))
		e.GUID = "guid-" + itoa(int64(i))
		e.Number = i + 1
		e.Date = proto.Date.Add(time.Duration(i) * time.Hour)
		m.Episodes[i] = e
	}
	m.Episodes[0].GUID = ""
	var w strings.Builder
	err := Write(&w, show, m, buildTime)
	if err == nil || !strings.Contains(err.Error(), "ep-0: no guid") {
		t.Fatalf("Write = %v, want the oldest episode's missing guid", err)
	}
	// Items reach w through a buffer of 64 KiB: all but the last
	// buffer's worth are there.
	if got := strings.Count(w.String(), "</item>"); got < n-1-(64<<10)/1000 {
		t.Errorf("%d items written before the failing one, want most of the %d", got, n-1)
	}
}
