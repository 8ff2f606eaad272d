package plainerr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// TestNoGoTypes decodes values of the wrong type and checks that the
// message names the key and the kind wanted, and no Go type.
func TestNoGoTypes(t *testing.T) {
	var chapter struct {
		StartTime *float64 `json:"startTime"`
		Title     string   `json:"title"`
	}
	var show struct {
		Show struct {
			Explicit   bool     `toml:"explicit"`
			Categories []string `toml:"categories"`
			Episode    int      `toml:"episode"`
		} `toml:"show"`
	}
	tests := []struct {
		name string
		msg  func() string
		want string
	}{
		{"json string for number", func() string {
			return JSON(json.Unmarshal([]byte(`{"startTime": "a"}`), &chapter))
		}, "startTime: want a number, got a string"},
		{"json number for string", func() string {
			return JSON(json.Unmarshal([]byte(`{"title": 5}`), &chapter))
		}, "title: want a string, got a number"},
		{"json syntax", func() string {
			return JSON(json.Unmarshal([]byte(`{bad`), &chapter))
		}, "invalid character 'b'"},
		{"toml string for bool", func() string {
			return TOML(toml.Unmarshal([]byte("[show]\nexplicit = \"no\"\n"), &show))
		}, "want true or false, got a string"},
		{"toml string for list", func() string {
			return TOML(toml.Unmarshal([]byte("[show]\ncategories = \"Technology\"\n"), &show))
		}, "want a list, got a string"},
		{"toml string for int", func() string {
			return TOML(toml.Unmarshal([]byte("[show]\nepisode = \"x\"\n"), &show))
		}, "want an integer, got a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.msg()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q, want %q", msg, tt.want)
			}
			for _, goWord := range []string{"Go ", "struct", "float64", "[]string", "bool", "json:", "toml:"} {
				if strings.Contains(msg, goWord) {
					t.Errorf("message %q has Go's %q in it", msg, goWord)
				}
			}
		})
	}
}
