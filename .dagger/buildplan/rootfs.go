package buildplan

import (
	"io/fs"

	"dagger/ecs-bluegreen/imagebuild"
)

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

// RootDirs are the directories the image holds besides the parents of its
// files: /tmp, world-writable with the sticky bit like on any Linux system,
// because Go's os.TempDir() and multipart uploads (net/http spills large
// forms there) expect it and the app runs as a non-root user.
func RootDirs() []imagebuild.Dir {
	return []imagebuild.Dir{{Path: "/tmp", Mode: 0o777 | fs.ModeSticky}}
}
