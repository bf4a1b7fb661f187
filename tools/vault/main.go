// Command vault is HashiCorp Vault, built from its Go module at the release the cluster deploys
// (vaultVersion in Pulumi.<stack>.yaml).
//
// Vault's own go.mod replaces its api and sdk modules with folders of its repository, so it cannot
// be installed with `go install`. This wrapper requires the release and lets its published api and
// sdk requirements stand (api v1.22.0, sdk v0.20.0 for v1.21.1: the versions that release's tree
// matches). 1.20.4 and 1.21.2 to 1.21.4 do not build this way: their trees match no published sdk
// (see README, "Real Vault in the loop").
package main

import (
	"os"

	"github.com/hashicorp/vault/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:]))
}
