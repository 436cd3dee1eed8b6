// Package e2e runs the converge binary the way a user does, against the
// real local control plane, with the installed kubectl as the reference
// client. It holds only tests.
package e2e
