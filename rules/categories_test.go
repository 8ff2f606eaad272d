package rules

import (
	"strings"
	"testing"
)

func TestCheckCategory(t *testing.T) {
	tests := []struct {
		in      string
		ok      bool
		closest string // a suggestion the error must name
	}{
		{"Technology", true, ""},
		{"Science/Physics", true, ""},
		{"Science / Physics", true, ""},
		{"Society & Culture/Places & Travel", true, ""},
		{"TV & Film/Film Reviews", true, ""},
		{"Tech", false, `"Technology"`},
		{"technology", false, `"Technology"`},
		{"Physics", false, `"Science/Physics"`},
		{"Sciense/Physics", false, `"Science/Physics"`},
		{"Arts/Literature", false, `"Arts"`},
		{"Science/Physic", false, `"Science/Physics"`},
		{"Technology/Podcasting", false, `"Technology"`},
		{"", false, ""},
	}
	for _, tt := range tests {
		err := CheckCategory(tt.in)
		if tt.ok {
			if err != nil {
				t.Errorf("CheckCategory(%q) = %v, want nil", tt.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckCategory(%q) = nil, want an error", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), "closest:") || !strings.Contains(err.Error(), tt.closest) {
			t.Errorf("CheckCategory(%q) = %q, want closest to name %s", tt.in, err, tt.closest)
		}
	}
}

func TestCategoriesDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Categories {
		if seen[c.Name] {
			t.Errorf("category %q listed twice", c.Name)
		}
		seen[c.Name] = true
		for _, s := range c.Subs {
			if !IsCategory(c.Name, s) {
				t.Errorf("IsCategory(%q, %q) = false", c.Name, s)
			}
		}
	}
	if len(Categories) != 19 {
		t.Errorf("%d top-level categories, Apple has 19", len(Categories))
	}
}
