package config

import (
	"strings"
	"testing"
)

// TestLoadFeedTags checks the keys of the optional feed tags: a value the
// validator would reject is an error naming its key and line.
func TestLoadFeedTags(t *testing.T) {
	const trailer = "\n[[show.trailers]]\ntitle = \"Trailer\"\nurl = \"https://example.org/t.mp3\"\npubdate = 2025-09-01\n"
	tests := []struct {
		name, body string
		want       string // the error after the file name
	}{
		{"host group", validShow + "\n[[show.hosts]]\nname = \"Ada\"\ngroup = \"band\"\n", `:11: show.hosts[1].group: "band" is not a group`},
		{"location geo", validShow + "\n[show.location]\nname = \"Taipei\"\ngeo = \"25.03,121.56\"\n", `:11: show.location.geo: "25.03,121.56" is not a geo URI`},
		{"location osm", validShow + "\n[show.location]\nname = \"Taipei\"\nosm = \"123\"\n", `:11: show.location.osm: "123" is not an OpenStreetMap object`},
		{"location without name", validShow + "\n[show.location]\ngeo = \"geo:25.03,121.56\"\n", `: show.location.name: name is empty`},
		{"txt too long", validShow + "\n[[show.txt]]\nvalue = \"" + strings.Repeat("x", 4001) + "\"\n", `:10: show.txt[1].value: txt is 4001 characters`},
		{"txt purpose too long", validShow + "\n[[show.txt]]\npurpose = \"" + strings.Repeat("p", 129) + "\"\nvalue = \"v\"\n", `:10: show.txt[1].purpose: txt purpose is 129 characters`},
		{"update frequency rrule", validShow + "\n[show.update_frequency]\ntext = \"Weekly\"\nrrule = \"FREQ=FORTNIGHTLY\"\n", `:11: show.update_frequency.rrule: "FREQ=FORTNIGHTLY" is not a recurrence rule`},
		{"update frequency without text", validShow + "\n[show.update_frequency]\nrrule = \"FREQ=WEEKLY\"\n", `: show.update_frequency.text: text is empty`},
		{"update frequency dtstart", validShow + "\n[show.update_frequency]\ntext = \"Weekly\"\ndtstart = \"Monday\"\n", `:11: show.update_frequency.dtstart: Monday is not a date`},
		{"trailer url", validShow + strings.Replace(trailer, "https://example.org/t.mp3", "t.mp3", 1), `:11: show.trailers[1].url: "t.mp3" is not an absolute http or https URL`},
		{"trailer without pubdate", validShow + strings.Replace(trailer, "pubdate = 2025-09-01\n", "", 1), `:9: show.trailers[1].pubdate: required key is missing`},
		{"trailer type", validShow + trailer + "type = \"mp3\"\n", `:13: show.trailers[1].type: "mp3" is not a media type`},
		{"trailer season", validShow + trailer + "season = -1\n", `:13: show.trailers[1].season: season -1 is not a number from 1`},
		{"podroll guid", validShow + "\n[[show.podroll]]\nfeed_guid = \"my-friend\"\n", `:10: show.podroll[1].feed_guid: "my-friend" is not the podcast:guid`},
		{"podroll url", validShow + "\n[[show.podroll]]\nfeed_guid = \"917393e3-1b1e-5cef-ace4-edaa54e1f810\"\nfeed_url = \"feed.xml\"\n", `:11: show.podroll[1].feed_url: "feed.xml" is not an absolute http or https URL`},
		{"previous url", validShow + "[publish]\nprevious_urls = [\"old.example.org/feed.xml\"]\n", `:9: publish.previous_urls: "old.example.org/feed.xml" is not an absolute http or https URL`},
		{"previous url is the feed", validShow + "[publish]\nbase_url = \"https://cdn.example.org/\"\nprevious_urls = [\"https://cdn.example.org/feed.xml\"]\n", `:10: publish.previous_urls: https://cdn.example.org/feed.xml is the feed's current URL`},
		{"hub", validShow + "[publish]\nhub = \"pubsubhubbub.appspot.com\"\n", `:9: publish.hub: "pubsubhubbub.appspot.com" is not an absolute http or https URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, tt.body)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded, want %s%s", p, tt.want)
			}
			if !strings.HasPrefix(err.Error(), p+tt.want) {
				t.Errorf("error = %q\nwant     %s%s…", err, p, tt.want)
			}
		})
	}
}
