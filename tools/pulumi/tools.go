//go:build tools

// Package tools pins the Pulumi CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) at the release that
// matches the npm @pulumi/pulumi package, so `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`
// inside this module builds it. The CLI's own module replaces its sdk with a folder of its repository,
// so `go install` refuses it; this wrapper repeats its one non-folder replace instead.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
