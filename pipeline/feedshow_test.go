package pipeline

import (
	"reflect"
	"testing"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
)

// Every key of the config's [show] table reaches the feed: a field added to
// config.Show and not to feed.Show (or not copied) fails here.
func TestFeedShowCopiesEveryField(t *testing.T) {
	cfg := &config.Config{Publish: config.Publish{BaseURL: "https://cdn.example.org/show/"}}
	sv := reflect.ValueOf(&cfg.Show).Elem()
	for i := range sv.NumField() {
		f := sv.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("value of " + sv.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				f.Set(reflect.ValueOf([]string{"Technology", "Science/Physics"}))
			}
		}
	}
	cfg.Show.Hosts = []config.Person{{Name: "Ada", Role: "co-host", Href: "https://example.org/ada", Img: "https://example.org/ada.jpg"}}
	cfg.Show.Funding = &config.Funding{URL: "https://example.org/give", Text: "Give"}
	cfg.Show.License = &config.License{Name: "CC-BY-4.0", URL: "https://example.org/l"}

	fs := feedShow(cfg)
	fv := reflect.ValueOf(fs).Elem()
	for i := range sv.NumField() {
		name := sv.Type().Field(i).Name
		got := fv.FieldByName(name)
		if !got.IsValid() {
			t.Errorf("config.Show.%s has no feed.Show.%s", name, name)
			continue
		}
		switch want := sv.Field(i); want.Kind() {
		case reflect.String, reflect.Bool:
			if got.Interface() != want.Interface() {
				t.Errorf("feed.Show.%s = %v, want %v", name, got, want)
			}
		case reflect.Slice:
			if got.Len() != want.Len() {
				t.Errorf("feed.Show.%s has %d entries, want %d", name, got.Len(), want.Len())
			}
		}
	}
	if h := fs.Hosts; len(h) != 1 || h[0].Name != "Ada" || h[0].Role != "co-host" || h[0].Href != "https://example.org/ada" || h[0].Img != "https://example.org/ada.jpg" {
		t.Errorf("hosts = %+v", h)
	}
	if *fs.Funding != (feed.Funding{URL: "https://example.org/give", Text: "Give"}) || *fs.License != (feed.License{Name: "CC-BY-4.0", URL: "https://example.org/l"}) {
		t.Errorf("funding %+v, license %+v", fs.Funding, fs.License)
	}
	if fs.BaseURL != cfg.Publish.BaseURL || fs.FeedURL != "https://cdn.example.org/show/feed.xml" {
		t.Errorf("base %q, feed URL %q", fs.BaseURL, fs.FeedURL)
	}
}
