package schemas

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/api/resource"
)

// formats check values as the API server decodes them. Each applies to
// one JSON type and accepts values of other types (the type keyword
// rejects those). Their errors are the reasons shown to users.
var formats = []*jsonschema.Format{
	{Name: "int32", Validate: intRange("int32", math.MinInt32, math.MaxInt32)},
	{Name: "int64", Validate: intRange("int64", math.MinInt64, math.MaxInt64)},
	{Name: "int-or-string", Validate: intRange("int32", math.MinInt32, math.MaxInt32)},
	{Name: "quantity", Validate: stringFormat(checkQuantity)},
	{Name: "byte", Validate: stringFormat(checkBase64)},
	{Name: "date-time", Validate: stringFormat(checkDateTime)},
	{Name: "date", Validate: stringFormat(checkDate)},
	{Name: "uuid", Validate: stringFormat(checkUUID)},
	{Name: "ipv4", Validate: stringFormat(checkIPv4)},
	{Name: "ipv6", Validate: stringFormat(checkIPv6)},
	{Name: "cidr", Validate: stringFormat(checkCIDR)},
	{Name: "mac", Validate: stringFormat(checkMAC)},
}

// formatError is why a value fails a format, with the rule apart from the
// value, so that a reason can name the rule without the value.
type formatError struct {
	rule string // such as "must be a UUID"
	got  string // the value as shown, such as `"abc"`; "" to show none
	hint string // how to fix it, if there is more to say than the rule
}

// Error renders `must be a UUID, got "abc"`, then the hint in parentheses.
func (e *formatError) Error() string {
	s := e.rule
	if e.got != "" {
		s += ", got " + e.got
	}
	if e.hint != "" {
		s += " (" + e.hint + ")"
	}
	return s
}

// badFormat is the error of string s, which does not follow rule.
func badFormat(rule, s string) error {
	return &formatError{rule: rule, got: strconv.Quote(s)}
}

func stringFormat(check func(string) error) func(any) error {
	return func(v any) error {
		if s, ok := v.(string); ok {
			return check(s)
		}
		return nil
	}
}

// intRange rejects numbers outside [lo, hi]; the API server fails to decode
// them into a Go integer of that size.
func intRange(name string, lo, hi int64) func(any) error {
	return func(v any) error {
		ok := true
		switch n := v.(type) {
		case int64:
			ok = n >= lo && n <= hi
		case int:
			ok = int64(n) >= lo && int64(n) <= hi
		case float64:
			ok = n >= float64(lo) && n <= float64(hi) && !(hi == math.MaxInt64 && n >= math.MaxInt64)
		case json.Number:
			i, err := n.Int64()
			ok = err == nil && i >= lo && i <= hi
		default:
			return nil
		}
		if !ok {
			return &formatError{rule: fmt.Sprintf("must fit in %s (%d to %d)", name, lo, hi), got: fmt.Sprint(v)}
		}
		return nil
	}
}

// checkQuantity parses s as the API server parses a resource.Quantity.
func checkQuantity(s string) error {
	if _, err := resource.ParseQuantity(strings.TrimSpace(s)); err != nil {
		return badFormat(`must be a quantity such as "500m", "1Gi" or "1e3"`, s)
	}
	return nil
}

// checkBase64 decodes s as Go's encoding/json decodes []byte: standard
// base64 with padding; line breaks are ignored.
func checkBase64(s string) error {
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		rule := "must be base64-encoded: " + err.Error()
		var bad base64.CorruptInputError
		if errors.As(err, &bad) {
			rule = fmt.Sprintf("must be base64-encoded: illegal data at input byte %d", int64(bad))
		}
		return &formatError{rule: rule, hint: "put plain text in stringData instead"}
	}
	return nil
}

// checkDateTime parses s as metav1.Time does.
func checkDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return badFormat(`must be an RFC 3339 date-time such as "2006-01-02T15:04:05Z"`, s)
	}
	return nil
}

func checkDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return badFormat(`must be a date such as "2006-01-02"`, s)
	}
	return nil
}

var uuidPattern = regexp.MustCompile(`^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)

func checkUUID(s string) error {
	if !uuidPattern.MatchString(s) {
		return badFormat("must be a UUID", s)
	}
	return nil
}

func checkIPv4(s string) error {
	if ip := net.ParseIP(s); ip == nil || ip.To4() == nil || strings.Contains(s, ":") {
		return badFormat("must be an IPv4 address", s)
	}
	return nil
}

func checkIPv6(s string) error {
	if ip := net.ParseIP(s); ip == nil || !strings.Contains(s, ":") {
		return badFormat("must be an IPv6 address", s)
	}
	return nil
}

func checkCIDR(s string) error {
	if _, _, err := net.ParseCIDR(s); err != nil {
		return badFormat("must be a CIDR such as 10.0.0.0/8", s)
	}
	return nil
}

func checkMAC(s string) error {
	if _, err := net.ParseMAC(s); err != nil {
		return badFormat("must be a MAC address", s)
	}
	return nil
}
