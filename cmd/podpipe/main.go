// Command podpipe publishes podcast episodes: transcripts in every format,
// chapters in the JSON and in the MP3, the audio and the RSS feed.
//
//	podpipe publish episode 01-some-slug
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/urfave/cli/v3"
)

// commands holds every top-level command; each cmd_*.go file registers its
// own from init, so the command groups stay in their own files.
var commands []*cli.Command

func register(c *cli.Command) { commands = append(commands, c) }

// usageError marks an error in how the command was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func newApp() *cli.Command {
	sort.Slice(commands, func(i, j int) bool { return commands[i].Name < commands[j].Name })
	app := &cli.Command{
		Name:  "podpipe",
		Usage: "publish podcast episodes: transcripts, chapters, tagged audio and the RSS feed",
		UsageText: "podpipe publish show                  # every episode, to ./public\n" +
			"podpipe publish episode 01-some-slug  # one episode\n" +
			"podpipe serve                         # serve ./public at http://127.0.0.1:8080/",
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:    "config",
				Aliases: []string{"c"},
				Value:   "config.toml",
				Usage:   "the show's config `FILE`; paths inside it are relative to it",
				Sources: cli.EnvVars("PODPIPE_CONFIG"),
			},
		},
		Commands:              commands,
		EnableShellCompletion: true,
		Suggest:               true,
		// Errors are mapped to exit codes in run, not inside the library.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	markUsageErrors(app)
	return app
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
	os.Exit(run(context.Background(), os.Args))
}

// run executes the command line and maps its error to an exit status: 0 on
// success, 2 on a usage error, 1 on anything else.
func run(ctx context.Context, args []string) int {
	err := newApp().Run(ctx, args)
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "podpipe:", err)
	// The library's own exit errors are all about the command line (an
	// unknown command, say).
	var ue usageError
	var ec cli.ExitCoder
	if errors.As(err, &ue) || errors.As(err, &ec) {
		return 2
	}
	return 1
}
