package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"
)

// checkArgs reads the command line before the library does, to turn its
// terse complaints into ones that help: an unknown command or flag gets the
// nearest names ("did you mean"), an episode given where a subcommand is
// expected gets the command that takes it, and a command's flag given
// before the command (podpipe --dry-run publish show) is moved after it,
// where it belongs. It returns the arguments to run.
func checkArgs(app *cli.Command, args []string) ([]string, error) {
	if len(args) < 2 || slices.Contains(args, "--generate-shell-completion") {
		return args, nil // completion: a half-typed flag is no error
	}
	cmd := app
	path := []*cli.Command{app}
	var early []string // flags before the command that the root does not know
	rest := args[1:]
	i, leaf := 0, 0 // leaf: where the leaf command's own arguments start
	for i < len(rest) {
		a := rest[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if isLibraryFlag(name) {
				return args, nil // help, version, completion: the library's own
			}
			f := findFlag(path, name)
			if f == nil && (len(cmd.Commands) == 0 || findFlag(allCommands(app), name) == nil) {
				return nil, unknownFlag(path, name)
			}
			n := 1
			if !hasValue && takesValue(f, path, name) && i+1 < len(rest) {
				n = 2
			}
			if f == nil {
				early = append(early, rest[i:i+n]...)
				rest = slices.Delete(slices.Clone(rest), i, i+n)
				continue
			}
			i += n
			continue
		}
		if len(cmd.Commands) == 0 {
			i++ // one of the leaf's arguments
			continue
		}
		if a == "help" || a == "h" || (cmd == app && a == "completion") {
			return args, nil // the library's own commands
		}
		sub := cmd.Command(a)
		if sub == nil {
			return nil, unknownCommand(path, a, rest[i+1:])
		}
		cmd = sub
		path = append(path, sub)
		i++
		if len(cmd.Commands) == 0 {
			leaf = i
		}
	}
	if len(cmd.Commands) == 0 && len(early) > 0 {
		// Every early flag must be the leaf's: put them right after it.
		for j := 0; j < len(early); j++ {
			e := early[j]
			if !strings.HasPrefix(e, "-") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimLeft(e, "-"), "=")
			if findFlag(path, name) == nil {
				return nil, unknownFlag(path, name)
			}
		}
		out := append([]string{args[0]}, rest[:leaf]...)
		out = append(out, early...)
		return append(out, rest[leaf:]...), nil
	}
	if len(early) > 0 {
		name, _, _ := strings.Cut(strings.TrimLeft(early[0], "-"), "=")
		return nil, unknownFlag(path, name)
	}
	return args, nil
}

func isLibraryFlag(name string) bool {
	switch name {
	case "help", "h", "version", "v", "generate-shell-completion":
		return true
	}
	return false
}

// findFlag finds the flag name among those of the commands of path (a
// command's flags are also its subcommands').
func findFlag(path []*cli.Command, name string) cli.Flag {
	for _, c := range slices.Backward(path) {
		for _, f := range c.Flags {
			if slices.Contains(f.Names(), name) {
				return f
			}
		}
	}
	return nil
}

// takesValue reports whether flag f (or, when f is nil, the flag called
// name on any command) reads the next argument as its value.
func takesValue(f cli.Flag, path []*cli.Command, name string) bool {
	if f == nil {
		for _, c := range allCommands(path[0]) {
			for _, g := range c.Flags {
				if slices.Contains(g.Names(), name) {
					f = g
				}
			}
		}
	}
	if f == nil {
		return false
	}
	bf, ok := f.(interface{ TakesValue() bool })
	return ok && bf.TakesValue()
}

func allCommands(c *cli.Command) []*cli.Command {
	all := []*cli.Command{c}
	for _, s := range c.Commands {
		all = append(all, allCommands(s)...)
	}
	return all
}

func commandLine(path []*cli.Command) string {
	names := make([]string, len(path))
	for i, c := range path {
		names[i] = c.Name
	}
	return strings.Join(names, " ")
}

// prefix begins a message about the last command of path; main prints
// "podpipe: " before it, so the root is left out.
func prefix(path []*cli.Command) string {
	if len(path) < 2 {
		return ""
	}
	return commandLine(path[1:]) + ": "
}

// unknownCommand explains a word that is not a subcommand of the last
// command of path; after is the rest of the command line, for the
// corrected one.
func unknownCommand(path []*cli.Command, word string, after []string) error {
	cmd := path[len(path)-1]
	var names []string
	for _, s := range cmd.Commands {
		if s.Name != "help" {
			names = append(names, s.Name)
		}
	}
	line := commandLine(path)
	msg := fmt.Sprintf("%sunknown command %q", prefix(path), word)
	if s := nearest(word, names); s != "" {
		return usagef("%s; did you mean %q? %s", msg, s, strings.Join(append([]string{line, s}, after...), " "))
	}
	// An episode where a subcommand was expected: the subcommand that
	// takes one.
	for _, s := range cmd.Commands {
		if strings.Contains(s.ArgsUsage, "EPISODE") {
			return usagef("%s; to name an episode: %s", msg, strings.Join(append([]string{line, s.Name, word}, after...), " "))
		}
	}
	return usagef("%s; the commands are: %s (%s --help)", msg, strings.Join(names, ", "), line)
}

// unknownFlag explains a flag that no command of path defines: the nearest
// of theirs, or the commands that do have it.
func unknownFlag(path []*cli.Command, name string) error {
	line := commandLine(path)
	var names []string
	for _, c := range path {
		for _, f := range c.Flags {
			names = append(names, f.Names()...)
		}
	}
	dash := func(n string) string {
		if len(n) == 1 {
			return "-" + n
		}
		return "--" + n
	}
	msg := fmt.Sprintf("%sunknown flag %s", prefix(path), dash(name))
	if s := nearest(name, names); s != "" {
		return usagef("%s; did you mean %s?", msg, dash(s))
	}
	var where []string
	for _, c := range allCommands(path[0]) {
		for _, f := range c.Flags {
			if slices.Contains(f.Names(), name) {
				where = append(where, commandLine(pathTo(path[0], c)))
			}
		}
	}
	if len(where) > 0 {
		return usagef("%s; it is a flag of %s: give it after that command", msg, strings.Join(where, ", "))
	}
	return usagef("%s (%s --help lists them)", msg, line)
}

// pathTo is the path of commands from root to c.
func pathTo(root, c *cli.Command) []*cli.Command {
	if root == c {
		return []*cli.Command{root}
	}
	for _, s := range root.Commands {
		if p := pathTo(s, c); p != nil {
			return append([]*cli.Command{root}, p...)
		}
	}
	return nil
}

// nearest is the candidate closest to word when it is close enough to be
// a slip of the keyboard, else "".
func nearest(word string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(word), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, min(3, len([]rune(word))/3))
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
