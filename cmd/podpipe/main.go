// Command podpipe publishes podcast episodes: transcripts in every format,
// chapters in the JSON and in the MP3, the audio and the RSS feed.
//
//	podpipe publish episode 01-some-slug
//
// Each command lives in its own cmd_*.go file as an options struct, a
// newXCommand constructor that binds the flags to the struct, and a runX
// function that does the work and writes to the writer it is given; newApp
// lists them all.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
)

// globalOptions holds the root command's flags, which every command may
// read.
type globalOptions struct {
	config   string        // the show's config file
	quiet    bool          // only errors and the final summary
	verbose  bool          // every line, the aligner's own included
	progress *lazyProgress // long work's progress, on stderr
}

// usageError marks an error in how the command was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// newApp builds the command tree, writing output and help to stdout and
// diagnostics to stderr. Every call builds it afresh, flags bound to new
// option structs, so no state is carried from one run to the next.
func newApp(stdout, stderr io.Writer) *cli.Command {
	gopts := &globalOptions{progress: &lazyProgress{stderr: stderr}}
	app := &cli.Command{
		Name:    "podpipe",
		Version: version(debug.ReadBuildInfo()),
		Usage:   "publish podcast episodes: transcripts, chapters, tagged audio and the RSS feed",
		UsageText: "podpipe publish show                  # every episode, to ./public\n" +
			"podpipe publish episode 01-some-slug  # one episode\n" +
			"podpipe serve                         # serve ./public at http://127.0.0.1:8080/",
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "config",
				Aliases:     []string{"c"},
				Usage:       "the show's config `FILE` (default: config.toml here or in the nearest folder above); paths inside it are relative to it",
				Sources:     cli.EnvVars("PODPIPE_CONFIG"),
				Destination: &gopts.config,
			},
			&cli.BoolFlag{
				Name:        "quiet",
				Aliases:     []string{"q"},
				Usage:       "print only errors and the final summary: no progress, no line per file",
				Sources:     cli.EnvVars("PODPIPE_QUIET"),
				Destination: &gopts.quiet,
			},
			&cli.BoolFlag{
				Name:        "verbose",
				Usage:       "print every line, the aligner's account of each of its steps included",
				Sources:     cli.EnvVars("PODPIPE_VERBOSE"),
				Destination: &gopts.verbose,
			},
		},
		// In the order help lists them.
		Commands: []*cli.Command{
			newChaptersCommand(gopts),
			newEditCommand(gopts),
			newFeedCommand(gopts),
			newGCCommand(gopts),
			newImportCommand(gopts),
			newInitCommand(gopts),
			newPublishCommand(gopts),
			newServeCommand(gopts),
			newTranscriptCommand(gopts),
			newUnpublishCommand(gopts),
		},
		Writer:                stdout,
		ErrWriter:             stderr,
		EnableShellCompletion: true,
		// The library hides its completion command; the README documents
		// it, so help lists it.
		ConfigureShellCompletionCommand: func(c *cli.Command) { c.Hidden = false },
		Suggest:                         true,
		// Without --config, the show is the one whose folder the working
		// directory is in, as git finds its repository.
		Before: func(ctx context.Context, cmd *cli.Command) (context.Context, error) {
			if gopts.quiet && gopts.verbose {
				return ctx, usagef("--quiet and --verbose contradict each other: give one")
			}
			gopts.progress.quiet = gopts.quiet
			if gopts.config == "" {
				gopts.config = config.FileName
				if p, ok := config.Find("."); ok {
					gopts.config = p
				}
			}
			return ctx, nil
		},
		// Bars are drawn one last time, whatever the outcome.
		After: func(ctx context.Context, cmd *cli.Command) error {
			gopts.progress.close()
			return nil
		},
		// Errors are mapped to exit codes in run, not inside the library.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	markUsageErrors(app)
	completeEpisodes(app, gopts)
	return app
}

// version is the module version and VCS revision podpipe was built from,
// as `podpipe --version` prints them: "v1.2.0", or for a build from a
// checkout "(devel) rev 0f20348c1a2b (modified) 2026-11-30T08:00:00Z".
func version(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "unknown (built without module information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (modified)"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " rev " + rev + modified
		if at != "" {
			v += " " + at
		}
	}
	return v + " " + bi.GoVersion
}

// markUsageErrors makes a flag that does not parse, on any command, a
// usage error.
func markUsageErrors(c *cli.Command) {
	c.OnUsageError = func(ctx context.Context, cmd *cli.Command, err error, isSubcommand bool) error {
		return usageError{err}
	}
	for _, sub := range c.Commands {
		markUsageErrors(sub)
	}
}

func main() {
	// SIGINT or SIGTERM cancels the command, which then removes its work
	// folder and leaves the published feed as it was; a second one kills
	// at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and maps its error to an exit status: 0 on
// success, 2 on a usage error, 1 on anything else.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	args, err := checkArgs(app, args)
	if err == nil {
		err = app.Run(ctx, args)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "podpipe:", err)
	// The library's own exit errors are all about the command line (an
	// unknown command, say).
	var ue usageError
	var ec cli.ExitCoder
	if errors.As(err, &ue) || errors.As(err, &ec) {
		return 2
	}
	return 1
}
