package cienv

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// DocCall is a `dagger call` command as the documentation shows it.
type DocCall struct {
	// Line is the 1-based line where the command starts.
	Line int
	// Text is the command as written (continuation lines joined).
	Text string
}

// inlineCode matches a Markdown code span.
var inlineCode = regexp.MustCompile("`[^`\n]+`")

// daggerCall matches a dagger command that runs call, with or without the
// CLI's own flags between (dagger --progress plain call …).
var daggerCall = regexp.MustCompile(`(^|[\s/(])dagger(\s+-[^\s]+(\s+[^-\s][^\s]*)?)*\s+call(\s|$)`)

// DocumentedCalls finds every `dagger call` command in a Markdown text: the
// lines of fenced code blocks (continuation lines joined, comments cut) and
// code spans in prose. Mermaid diagrams are labels, not commands, and are
// skipped.
func DocumentedCalls(markdown string) []DocCall {
	var calls []DocCall
	lines := strings.Split(markdown, "\n")
	fence, lang := false, ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") {
			if !fence {
				lang = strings.TrimSpace(strings.TrimPrefix(t, "```"))
			}
			fence = !fence
			continue
		}
		if fence {
			if lang == "mermaid" {
				continue
			}
			start := i
			text := line
			for strings.HasSuffix(strings.TrimRight(text, " "), "\\") && i+1 < len(lines) {
				i++
				text = strings.TrimSuffix(strings.TrimRight(text, " "), "\\") + " " + lines[i]
			}
			switch {
			case strings.HasPrefix(strings.TrimSpace(text), "#"):
				// A shell comment: prose inside a block.
			case strings.Contains(text, "`dagger call"):
				// A listing that quotes a command in prose.
				calls = append(calls, spans(text, start+1)...)
			case daggerCall.MatchString(text):
				calls = append(calls, DocCall{Line: start + 1, Text: text})
			}
			continue
		}
		calls = append(calls, spans(line, i+1)...)
	}
	return calls
}

// spans returns the code spans of a line that hold a `dagger call` command.
func spans(line string, lineNo int) []DocCall {
	var calls []DocCall
	for _, span := range inlineCode.FindAllString(line, -1) {
		if span = strings.Trim(span, "`"); strings.HasPrefix(span, "dagger ") && daggerCall.MatchString(span) {
			calls = append(calls, DocCall{Line: lineNo, Text: span})
		}
	}
	return calls
}

// elided reports a word that stands for something the documentation leaves
// out: an ellipsis, a placeholder or a shell variable holding flags.
func elided(w string) bool {
	return w == "…" || w == "..." || strings.HasPrefix(w, "<") || (strings.HasPrefix(w, "$") && !strings.Contains(w, "("))
}

var (
	// substitution is a shell command substitution, $(git rev-parse HEAD).
	substitution = regexp.MustCompile(`\$\([^)]*\)`)
	// placeholder is a <what goes here> placeholder, which may hold spaces.
	placeholder = regexp.MustCompile(`<[^<>]*>`)
)

// commandWords returns the words of the dagger command in a documented shell
// line: the segment of a list (a && b, a | b, a; b) that runs dagger, cut at a
// comment or a redirection. A command substitution or a placeholder is one
// word.
func commandWords(text string) ([]string, error) {
	text = substitution.ReplaceAllString(text, "$$SUBSTITUTION")
	text = placeholder.ReplaceAllString(text, "<placeholder>")
	words, err := Words(text)
	if err != nil {
		return nil, err
	}
	var segment []string
	runsDagger := false
	for _, w := range words {
		switch {
		case w == "|" || w == "&&" || w == "||" || w == ";":
			if runsDagger {
				return segment, nil
			}
			segment, runsDagger = nil, false
			continue
		case strings.HasPrefix(w, "#") || w == ">" || w == "2>" || w == ">>":
			if runsDagger {
				return segment, nil
			}
		}
		runsDagger = runsDagger || path.Base(w) == "dagger"
		segment = append(segment, w)
	}
	return segment, nil
}

// CheckDocumented checks a documented `dagger call` command against the
// module: every function it names exists where it is chained, and every flag
// it gives is an argument of the function it follows. Elisions (…, <…>,
// $FLAGS) stand for words left out; an elided function is not checked, but
// the words that follow it still are once a function name is recognised.
func CheckDocumented(text string, mod Module) error {
	words, err := commandWords(text)
	if err != nil {
		return err
	}
	i := 0
	for i < len(words) && words[i] != "call" {
		i++
	}
	if i == len(words) {
		return fmt.Errorf("no `call` in %q", text)
	}
	i++
	// Constructor flags (and -m/--mod, which the CLI takes after call too).
	current, owner, params := "", "the module constructor", mod.Constructor
	for ; i < len(words); i++ {
		w := words[i]
		switch {
		case elided(w):
			continue
		case strings.HasPrefix(w, "-"):
			name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
			if name == "help" {
				continue
			}
			if globalValueFlags[name] {
				if !hasValue {
					i++
				}
				continue
			}
			p, ok := params[name]
			if !ok {
				return fmt.Errorf("flag --%s is not an argument of %s", name, owner)
			}
			if !hasValue && p.Type != "bool" {
				i++ // its value
			}
		default:
			var fn Function
			var ok bool
			if current == "" {
				fn, ok = mod.Functions[w]
				if !ok {
					return fmt.Errorf("function %q does not exist in the module (it has: %s)", w, strings.Join(mod.FunctionNames(), ", "))
				}
			} else if fn, ok = coreFunctions[current][w]; !ok {
				return fmt.Errorf("%q cannot be chained after a step returning %s", w, current)
			}
			current, owner, params = fn.Returns, "function "+w, fn.Params
			if current == "" {
				current = "(nothing)"
			}
		}
	}
	return nil
}
