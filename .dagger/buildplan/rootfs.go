package buildplan

import "io/fs"

// Entry is one file of the app image's root filesystem. Exactly one of
// Content (a file this package writes) and From (a path in the builder
// container) is set.
type Entry struct {
	Path    string
	Mode    fs.FileMode
	Content string
	From    string
}

// BuilderBinary is where the builder writes the compiled app.
const BuilderBinary = "/out/app"

// RootFS lists everything the final image holds: the static binary, the CA
// bundle (for TLS to AWS APIs and anything else), and a passwd/group naming
// the non-root user. Nothing else: no shell, no package manager, no libc.
func RootFS() []Entry {
	return []Entry{
		{Path: BinaryPath, Mode: 0o555, From: BuilderBinary},
		{Path: CACertPath, Mode: 0o444, From: CACertPath},
		{Path: "/etc/passwd", Mode: 0o444, Content: Passwd()},
		{Path: "/etc/group", Mode: 0o444, Content: Group()},
	}
}
