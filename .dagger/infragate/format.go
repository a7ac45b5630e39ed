package infragate

import "fmt"

// DirectNote opens the result of a deployment without change sets.
const DirectNote = "change-set gate skipped: --method direct applies the templates without change sets, so nothing was reviewed\n"

// TemplateNote follows a template-only diff.
const TemplateNote = "change-set gate skipped: --method template compares templates only; a review needs change sets\n"

// ParseFormat validates the result format of deploy-infra: text (the review
// tables and the outputs) or json (one changeset.Document).
func ParseFormat(s string) (json bool, err error) {
	switch s {
	case "", "text":
		return false, nil
	case "json":
		return true, nil
	}
	return false, fmt.Errorf("invalid format %q: text (default) or json", s)
}

// CheckDirect refuses gate options with --method direct, which has no
// change sets to review.
func CheckDirect(direct, dryRun bool, allow []string) error {
	if !direct {
		return nil
	}
	if dryRun {
		return fmt.Errorf("invalid dry-run with method direct: a dry run reviews a change set, and --method direct makes none; use --method change-set")
	}
	if len(allow) > 0 {
		return fmt.Errorf("invalid allow %q with method direct: nothing is reviewed without change sets, so there is nothing to allow", allow)
	}
	return nil
}
