package pipeline

import "testing"

// A slug's leading number is the episode number only when rules take it
// as one: a date prefix would otherwise become itunes:episode 20250924,
// which feed validate refuses.
func TestSlugNumberInRange(t *testing.T) {
	for slug, want := range map[string]int{
		"01-intro":                 1,
		"99999-last":               99999,
		"20250924-tea":             0,
		"0-pilot":                  0,
		"99999999999999999999-big": 0,
		"intro":                    0,
	} {
		if got := sourceIn(t.TempDir(), slug).Number; got != want {
			t.Errorf("%s: number %d, want %d", slug, got, want)
		}
	}
}
