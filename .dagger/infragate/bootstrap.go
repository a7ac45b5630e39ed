package infragate

import "errors"

// CheckBootstrap refuses --bootstrap with --dry-run: a dry run promises that
// nothing changes, and bootstrapping creates (or updates) the CDKToolkit stack,
// its bucket and its roles. Bootstrapping is a separate, deliberate step.
func CheckBootstrap(dryRun, bootstrap bool) error {
	if dryRun && bootstrap {
		return errors.New("invalid bootstrap with dry-run: --dry-run changes nothing, but --bootstrap creates the CDKToolkit stack; " +
			"bootstrap first (deploy-infra --bootstrap --stacks <app>-ecr, or cdk bootstrap), then review with --dry-run")
	}
	return nil
}
