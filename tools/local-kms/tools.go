//go:build tools

// Package tools pins local-kms (github.com/nsmithuk/local-kms), the AWS KMS emulator the cluster suite
// runs for Vault's awskms seal, so `go build github.com/nsmithuk/local-kms` inside this module builds it.
package tools

import _ "github.com/nsmithuk/local-kms"
