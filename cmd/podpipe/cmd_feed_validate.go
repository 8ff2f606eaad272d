package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
)

type feedValidateOptions struct {
	offline bool
}

func newFeedValidateCommand(gopts *globalOptions) *cli.Command {
	var opts feedValidateOptions
	return &cli.Command{
		Name:      "validate",
		Usage:     "check a podcast feed against Apple's requirements and the Podcasting 2.0 spec",
		ArgsUsage: "[FILE|URL]",
		UsageText: `podpipe feed validate                  # the show's published feed
podpipe feed validate public/feed.xml
podpipe feed validate https://example.org/podcast/feed.xml`,
		Description: `Checks a podcast feed: well-formed XML and namespace URIs, required channel
and item tags, Apple's categories, explicit values, durations, RFC 2822 dates,
unique guids and enclosure URLs, podcast:guid, transcript and chapter types,
https where the spec asks for it (not for localhost previews). It then fetches
every enclosure (HEAD, to compare its length), transcript and chapters file
and parses them, and every item's page, whose every relative link (previous
and next episode, audio) must lead to an object; an object that cannot be
reached at all is a warning.

Without an argument it checks the show's published feed: with local storage
the feed.xml in the storage directory, whose objects are read from the
directory too, so no server needs to run; with S3 the feed at its public URL.

Each finding is printed as "error: WHERE: WHAT" or "warning: WHERE: WHAT".
The exit status is 1 when there is any error.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{
				Name:        "offline",
				Usage:       "check the feed's text only; fetch no linked object",
				Sources:     cli.EnvVars("PODPIPE_OFFLINE"),
				Destination: &opts.offline,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runFeedValidate(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runFeedValidate checks the feed args names (a file or an http(s) URL),
// or the show's published feed when args is empty, and prints the findings
// to w.
func runFeedValidate(ctx context.Context, o feedValidateOptions, gopts globalOptions, args []string, w io.Writer) error {
	if len(args) > 1 {
		return usagef("feed validate: one feed at most, got %d arguments", len(args))
	}
	var src string
	if len(args) == 1 {
		src = args[0]
	}
	configPath := gopts.config
	opts := feed.ValidateOptions{Offline: o.offline}
	name := src
	var open func() (io.ReadCloser, error)
	switch {
	case src == "":
		cfg, err := config.Load(configPath)
		if err != nil {
			return err
		}
		if dir := cfg.LocalStorageDir(); dir != "" {
			file := filepath.Join(dir, config.FeedKey)
			name = file
			opts.Fetcher = feed.DirFetcher(cfg.Publish.BaseURL, dir, nil)
			open = func() (io.ReadCloser, error) { return os.Open(file) }
		} else {
			u := cfg.FeedURL()
			name = u
			open = func() (io.ReadCloser, error) { return feed.OpenURL(ctx, u) }
		}
	case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://"):
		open = func() (io.ReadCloser, error) { return feed.OpenURL(ctx, src) }
	default:
		open = func() (io.ReadCloser, error) { return os.Open(src) }
		// A file is most often the show's own feed.xml: read the objects
		// of a local show from its storage directory, as above.
		if cfg, err := config.Load(configPath); err == nil {
			if dir := cfg.LocalStorageDir(); dir != "" {
				opts.Fetcher = feed.DirFetcher(cfg.Publish.BaseURL, dir, nil)
			}
		}
	}
	// A feed's URL may carry a password the server asks for: not in
	// what is printed.
	name = feed.Redact(name)
	r, err := open()
	if err != nil {
		return fmt.Errorf("feed validate: %w", err)
	}
	defer r.Close()
	findings, err := feed.Validate(ctx, r, opts)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // it names the file again
		}
		return fmt.Errorf("feed validate: %s: %w", name, err)
	}
	if _, err := io.WriteString(w, feed.Format(name, findings)); err != nil {
		return err
	}
	errs := 0
	for _, f := range findings {
		if f.Severity == feed.Error {
			errs++
		}
	}
	if errs > 0 {
		return fmt.Errorf("feed validate: %s: %s, %s", name, count(errs, "error"), count(len(findings)-errs, "warning"))
	}
	fmt.Fprintf(w, "%s: valid, %s\n", name, count(len(findings), "warning"))
	return nil
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
