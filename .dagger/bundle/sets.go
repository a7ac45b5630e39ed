package bundle

import (
	"fmt"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// A directory may hold more than one file of a kind: taskdef-prod.json and
// taskdef-staging.json beside one appspec.yaml, or an appspec per service.
// The pipeline actions are pointed at one of each by path, so each pairing
// is a set of its own: every task definition is checked with every appspec
// (and with every file of the other kinds), each file is decoded and its own
// findings reported once, and a finding that only some pairings have says
// which pairing it came from. Nothing is left unchecked.

// maxSets bounds the pairings checked, so a directory of many files cannot
// make a run quadratic without bound.
const maxSets = 64

// setKinds are the kinds of file, in the order they vary across sets.
var setKinds = []string{FileTaskDef, FileAppSpec, FileImageDetail, FileImageDefinitions, FileRelease}

// decodedFile is one artifact file, read once however many sets it is in.
type decodedFile struct {
	name        string
	kind        string
	data        []byte
	taskDef     *ecs.RegisterTaskDefinitionInput
	appSpec     *AppSpec
	imageDetail *ImageDetail
	imageDefs   []ImageDefinition
	release     *Release
}

// fileSet is every file given, classified and decoded.
type fileSet struct {
	byKind  map[string][]*decodedFile
	checked []string          // names of the files taken as artifacts, sorted
	kinds   map[string]string // name → what it was taken for
	ignored []string
	damaged map[string][]string
}

// loadFiles classifies and decodes files, reporting through the decoding
// rules what cannot be read, and files that are no ECS artifact at all.
func loadFiles(e *engine, files map[string][]byte) *fileSet {
	fs := &fileSet{byKind: map[string][]*decodedFile{}, kinds: map[string]string{}, damaged: map[string][]string{}}
	stub := &Artifacts{damaged: fs.damaged}
	for _, name := range sortedKeys(files) {
		data := files[name]
		c, doc := classify(name, data)
		switch {
		case c.Kind == "":
			fs.ignored = append(fs.ignored, name)
			fs.kinds[name] = c.Label()
			e.rule("unrecognized-file").addf(name, "", "is not a deployment artifact (task definition, appspec, imageDetail.json, imagedefinitions.json or release.json): %s; it was not checked", c.Why)
			continue
		case c.Kind == FileAppSpec && c.Platform != PlatformECS:
			fs.kinds[name] = c.Label()
			fs.checked = append(fs.checked, name)
			e.rule("appspec-not-ecs").addf(name, "", "is a CodeDeploy appspec for %s, not for Amazon ECS; the ECS rules do not apply to it and it was not checked against the other files", c.Platform)
			continue
		}
		fs.kinds[name] = c.Label()
		fs.checked = append(fs.checked, name)
		f := &decodedFile{name: name, kind: c.Kind, data: data}
		if prev := fs.byKind[c.Kind]; len(prev) > 0 {
			// Two files under the names the actions read by default leave it
			// to the pipeline's settings which one deploys.
			if _, std := artifactNames[path.Base(name)]; std {
				if _, prevStd := artifactNames[path.Base(prev[0].name)]; prevStd {
					e.rule("one-file-each").addf(name, "", "is a second %s (beside %s); keep one, the action reads only one", kindLabels[c.Kind], prev[0].name)
				}
			}
		}
		switch c.Kind {
		case FileTaskDef:
			f.taskDef = decodeTaskDefRules(e, stub, name, data, doc.json)
		case FileAppSpec:
			f.appSpec = decodeAppSpecRules(e, stub, name, data, doc.yaml)
		case FileImageDetail:
			f.imageDetail = decodeImageDetail(e, name, data)
		case FileImageDefinitions:
			f.imageDefs = decodeImageDefinitions(e, name, data)
		case FileRelease:
			var r Release
			if err := strictJSON(data, &r); err != nil {
				e.rule("release-json").addf(name, "", "is not a release summary: %v", err)
			} else {
				f.release = &r
			}
		}
		fs.byKind[c.Kind] = append(fs.byKind[c.Kind], f)
	}
	return fs
}

// sets returns every pairing of one file of each kind present (at least
// one set, empty when no artifact was found), at most maxSets of them.
func (fs *fileSet) sets(e *engine) []*Artifacts {
	combos := [][]*decodedFile{nil}
	for _, kind := range setKinds {
		files := fs.byKind[kind]
		if len(files) == 0 {
			continue
		}
		var next [][]*decodedFile
		for _, c := range combos {
			for _, f := range files {
				next = append(next, append(c[:len(c):len(c)], f))
			}
		}
		combos = next
	}
	if len(combos) > maxSets {
		e.rule("one-file-each").addf("", "", "the files make %d sets (one file of each kind); only the first %d were checked: give fewer files of one kind at a time", len(combos), maxSets)
		combos = combos[:maxSets]
	}
	out := make([]*Artifacts, 0, len(combos))
	for _, c := range combos {
		a := &Artifacts{file: map[string]string{}, raw: map[string][]byte{}, damaged: fs.damaged}
		for _, f := range c {
			a.file[f.kind], a.raw[f.kind] = f.name, f.data
			switch f.kind {
			case FileTaskDef:
				a.TaskDef = f.taskDef
			case FileAppSpec:
				a.AppSpec = f.appSpec
			case FileImageDetail:
				a.ImageDetail = f.imageDetail
			case FileImageDefinitions:
				a.ImageDefinitions = f.imageDefs
			case FileRelease:
				a.Release = f.release
			}
		}
		out = append(out, a)
	}
	return out
}

// varied lists the files of a set whose kind has more than one file, except
// skip: what tells the set apart from the others.
func (fs *fileSet) varied(a *Artifacts, skip string) []string {
	var out []string
	for _, kind := range setKinds {
		if name, ok := a.file[kind]; ok && len(fs.byKind[kind]) > 1 && name != skip {
			out = append(out, name)
		}
	}
	return out
}

// checkSets runs the rules over every set and merges their findings: a
// finding every set containing its file has is reported once as it is; one
// that only some pairings have names the files of its pairing.
func (e *engine) checkSets(fs *fileSet, sets []*Artifacts, rep *Report) {
	type key struct{ rule, file, field, message string }
	decoded := e.findings
	var order []key
	found := map[key]Finding{}
	inSets := map[key][]*Artifacts{}
	holders := map[string]int{} // file → number of sets holding it
	for i, a := range sets {
		mode, reason := a.inferMode(e.opts.Mode)
		a.Mode = mode
		if i == 0 {
			rep.Mode, rep.ModeReason = mode, reason
		} else if mode != rep.Mode {
			rep.ModeReason += fmt.Sprintf("; %s checked as %s", strings.Join(fs.varied(a, ""), " + "), mode)
			if reason != "" {
				rep.ModeReason += " (" + reason + ")"
			}
		}
		for _, name := range a.file {
			holders[name]++
		}
		e.a, e.findings = a, nil
		e.runRules()
		for _, f := range e.findings {
			k := key{f.Rule, f.File, f.Field, f.Message}
			if _, ok := found[k]; !ok {
				order = append(order, k)
				found[k] = f
			}
			inSets[k] = append(inSets[k], a)
		}
	}
	e.findings = decoded
	for _, k := range order {
		f := found[k]
		holding := len(sets)
		if f.File != "" {
			holding = holders[f.File]
		}
		if len(inSets[k]) < holding {
			var with []string
			for _, a := range inSets[k] {
				with = append(with, strings.Join(fs.varied(a, f.File), " + "))
			}
			f.Message += " (checked with " + strings.Join(with, "; with ") + ")"
		}
		e.findings = append(e.findings, f)
	}
	if len(sets) > 1 {
		for _, a := range sets {
			rep.Sets = append(rep.Sets, a.fileNames())
		}
	}
}
