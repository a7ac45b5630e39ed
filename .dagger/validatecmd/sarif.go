package validatecmd

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"dagger/ecs-bluegreen/bundle"
)

// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html),
// the subset GitHub code scanning reads: one run, the rules as the tool's
// reportingDescriptors, and each finding a result at the file, line and
// column of the offending key. File paths are written as given, relative
// ones as relative URIs, so running the validator from the repository root
// makes the alerts land on the right lines.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	ShortDescription     sarifMessage  `json:"shortDescription"`
	HelpURI              string        `json:"helpUri,omitempty"`
	DefaultConfiguration sarifLevel    `json:"defaultConfiguration"`
	Properties           sarifRuleTags `json:"properties"`
}

type sarifLevel struct {
	Level string `json:"level"`
}

type sarifRuleTags struct {
	Tags []string `json:"tags"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// writeSARIF prints the report as a SARIF 2.1.0 log.
func writeSARIF(w io.Writer, rep *bundle.Report) error {
	rules := bundle.Rules()
	index := map[string]int{}
	driver := sarifDriver{Name: "ecs-validate", InformationURI: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"}
	for i, r := range rules {
		index[r.Name] = i
		level := "error"
		if r.Class == bundle.ClassPolicy {
			level = "warning"
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.Name, ShortDescription: sarifMessage{Text: r.Summary}, HelpURI: r.Doc,
			DefaultConfiguration: sarifLevel{Level: level}, Properties: sarifRuleTags{Tags: []string{string(r.Class)}},
		})
	}
	results := []sarifResult{}
	for _, f := range rep.Findings {
		level := "error"
		if f.Severity == bundle.SeverityWarning {
			level = "warning"
		}
		text := f.Message
		if f.Field != "" {
			text = f.Field + " " + f.Message
		}
		res := sarifResult{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level, Message: sarifMessage{Text: text}}
		// A finding about the set as a whole belongs to no file; code
		// scanning wants a location, so it is shown on the first file checked.
		file, line, col := f.File, f.Line, f.Column
		if file == "" && len(rep.Files) > 0 {
			file, line, col = rep.Files[0], 1, 1
		}
		if file != "" {
			loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(file)}}}
			if line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
			}
			res.Locations = []sarifLocation{loc}
		}
		results = append(results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}}})
}

// fileURI turns a path as given into a URI reference: relative paths stay
// relative (code scanning resolves them against the repository root),
// absolute ones become file:// URIs.
func fileURI(p string) string {
	p = filepath.ToSlash(p)
	if strings.HasPrefix(p, "/") {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).String()
}
