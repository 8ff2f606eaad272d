package feed

import (
	"bytes"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/podpipe/podpipe/manifest"
)

// An item's podcast:person list replaces the channel's: an episode whose
// transcript names only guests keeps the show's hosts, and one that names
// its own host lists just that host.
func TestItemPersons(t *testing.T) {
	type who struct{ name, role, href string }
	tests := []struct {
		name    string
		persons []manifest.Person
		want    []who
	}{
		{"guests only", []manifest.Person{{Name: "Grace", Role: "guest"}},
			[]who{{"Ada Lovelace", "host", "https://example.com/ada"}, {"Bob", "co-host", ""}, {"Grace", "guest", ""}}},
		{"a guest host", []manifest.Person{{Name: "Linus", Role: "host"}, {Name: "Grace", Role: "guest"}},
			[]who{{"Linus", "host", ""}, {"Grace", "guest", ""}}},
		{"the show's host named", []manifest.Person{{Name: "ada lovelace", Role: "host"}},
			[]who{{"ada lovelace", "host", "https://example.com/ada"}}},
		{"nobody named", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, m := sampleShow("https://cdn.example.com/tea/")
			for i := range m.Episodes {
				m.Episodes[i].Persons = tt.persons
			}
			var b bytes.Buffer
			if err := Write(&b, cfg, m, buildTime); err != nil {
				t.Fatal(err)
			}
			f, err := gofeed.NewParser().Parse(&b)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Items[0].Extensions["podcast"]["person"]
			if len(got) != len(tt.want) {
				t.Fatalf("item persons = %+v, want %+v", got, tt.want)
			}
			for i, w := range tt.want {
				if got[i].Value != w.name || got[i].Attrs["role"] != w.role || got[i].Attrs["href"] != w.href {
					t.Errorf("person %d = %q %v, want %+v", i, got[i].Value, got[i].Attrs, w)
				}
			}
		})
	}
}
