package rules

import (
	"strings"
	"testing"
)

func TestTagRules(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // "" for accepted, else a part of the error
	}{
		{"episode 0", CheckPodcastEpisode(0), ""},
		{"episode -1", CheckPodcastEpisode(-1), "from 0 to 99999"},
		{"episode 100000", CheckPodcastEpisode(100000), "from 0 to 99999"},
		{"short text", CheckShortText("name", "大會現場"), ""},
		{"short text empty", CheckShortText("name", "  "), "name is empty"},
		{"short text 129", CheckShortText("title", strings.Repeat("字", 129)), "129 characters"},
		{"short text 128", CheckShortText("title", strings.Repeat("字", 128)), ""},
		{"txt", CheckTxt("verify", "S6lpp-7ZCn8"), ""},
		{"txt empty", CheckTxt("", ""), "txt is empty"},
		{"txt long purpose", CheckTxt(strings.Repeat("p", 129), "x"), "txt purpose"},
		{"txt 4001", CheckTxt("", strings.Repeat("x", 4001)), "4001 characters"},
		{"group", CheckPersonGroup("Audio Post-Production"), ""},
		{"group unknown", CheckPersonGroup("band"), "not a group"},
		{"geo", CheckGeo("geo:25.0330,121.5598"), ""},
		{"geo alt and u", CheckGeo("geo:-33.86,151.21,15;u=30"), ""},
		{"geo no scheme", CheckGeo("25.03,121.55"), "not a geo URI"},
		{"geo off globe", CheckGeo("geo:95,10"), "off the globe"},
		{"osm", CheckOSM("R113314"), ""},
		{"osm revision", CheckOSM("W5013364#12"), ""},
		{"osm type", CheckOSM("X123"), "OpenStreetMap"},
		{"soundbite", CheckSoundbite(5, 20, 80), ""},
		{"soundbite no length", CheckSoundbite(5, 0, 80), "no duration"},
		{"soundbite negative", CheckSoundbite(-1, 10, 80), "before the episode"},
		{"soundbite past end", CheckSoundbite(70, 20, 80), "ends after"},
		{"media type", CheckMediaType("audio/ogg; codecs=opus"), ""},
		{"media type bare", CheckMediaType("opus"), "not a media type"},
		{"rrule", CheckRRule("FREQ=WEEKLY;BYDAY=MO,TH;INTERVAL=2"), ""},
		{"rrule no freq", CheckRRule("BYDAY=MO"), "no FREQ"},
		{"rrule bad freq", CheckRRule("FREQ=FORTNIGHTLY"), "FREQ is one of"},
		{"rrule unknown", CheckRRule("FREQ=DAILY;EVERY=2"), "unknown part EVERY"},
		{"rrule twice", CheckRRule("FREQ=DAILY;FREQ=WEEKLY"), "FREQ given twice"},
		{"rrule count", CheckRRule("FREQ=DAILY;COUNT=0"), "positive integer"},
	}
	for _, tt := range tests {
		switch {
		case tt.want == "" && tt.err != nil:
			t.Errorf("%s: %v, want accepted", tt.name, tt.err)
		case tt.want != "" && (tt.err == nil || !strings.Contains(tt.err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error with %q", tt.name, tt.err, tt.want)
		}
	}
}
