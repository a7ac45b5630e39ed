// Package cienv reads the CI entry points of the project (the CodeBuild
// buildspec and the GitHub Actions release workflow) and checks that the
// `dagger call` lines they run name functions and flags the module really has,
// pass secrets only as env: references, and never print a credential.
package cienv

import (
	"fmt"
	"strings"
)

// Words splits a shell command line into words the way a POSIX shell would
// before expansion: quotes group, backslash-newline joins lines, and
// variables ($X, "${X}") are kept literally.
func Words(line string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		inTok bool
		quote rune
	)
	runes := []rune(line)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch {
			case r == '"':
				quote = 0
			case r == '\\' && i+1 < len(runes) && strings.ContainsRune("\"\\$`", runes[i+1]):
				i++
				cur.WriteRune(runes[i])
			default:
				cur.WriteRune(r)
			}
		case r == '\\' && i+1 < len(runes) && runes[i+1] == '\n':
			i++ // line continuation
		case r == '\\' && i+1 < len(runes):
			i++
			cur.WriteRune(runes[i])
			inTok = true
		case r == '\'' || r == '"':
			quote = r
			inTok = true
		case r == ' ' || r == '\t' || r == '\n':
			if inTok {
				words = append(words, cur.String())
				cur.Reset()
				inTok = false
			}
		default:
			cur.WriteRune(r)
			inTok = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote in %q", quote, line)
	}
	if inTok {
		words = append(words, cur.String())
	}
	return words, nil
}

// Kebab turns a Go identifier into the flag name Dagger derives from it:
// awsAccessKeyID → aws-access-key-id, goImage → go-image.
func Kebab(name string) string {
	r := []rune(name)
	var b strings.Builder
	isUpper := func(c rune) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c rune) bool { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') }
	for i, c := range r {
		if i > 0 && isUpper(c) && (isLower(r[i-1]) || (i+1 < len(r) && isUpper(r[i-1]) && isLower(r[i+1]))) {
			b.WriteByte('-')
		}
		b.WriteString(strings.ToLower(string(c)))
	}
	return b.String()
}
