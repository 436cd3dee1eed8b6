package manifests

import (
	"regexp"
	"strconv"
	"strings"
)

// Kustomize quotes generator input, and dumps whole objects, in a few of
// its messages; for a secretGenerator or a Secret that text is the secret.
var (
	literalSourcesRE = regexp.MustCompile(`(?s)literal sources \[.*\]: invalid literal source`)
	literalSourceRE  = regexp.MustCompile(`(?s)invalid literal source (.*), expected key=value`)
	badUTF8RE        = regexp.MustCompile(`(?s)(line \[[0-9 ]*\] )?has invalid utf8 bytes : .*`)
	spaceRE          = regexp.MustCompile(`\s*\n\s*`)
)

// helmNotEnabled is how kustomize refuses to inflate helmCharts.
const helmNotEnabled = "must specify --enable-helm"

// referralDetails starts the full YAML of every candidate kustomize adds
// to "found multiple possible referrals"; the IDs before it say enough.
const referralDetails = "**** Too many possible referral targets"

// kustomizeMessage is kustomize's reason for failing, with the generator
// input and objects it quotes hidden, followed by what to do about it.
func kustomizeMessage(err error, dir, kfile string, redact func(string) string) string {
	reason := err.Error()
	if i := strings.Index(reason, referralDetails); i >= 0 {
		reason = reason[:i]
	}
	reason = literalSourcesRE.ReplaceAllString(reason, "literal sources (values hidden): invalid literal source")
	reason = literalSourceRE.ReplaceAllStringFunc(reason, func(m string) string {
		src := literalSourceRE.FindStringSubmatch(m)[1]
		if key, _, found := strings.Cut(src, "="); found {
			src = key + "=(hidden)"
		}
		return "invalid literal source " + strconv.Quote(src) + ", expected key=value"
	})
	reason = badUTF8RE.ReplaceAllString(reason, "has a line with invalid utf8 bytes (line hidden)")
	if redact != nil {
		reason = redact(reason)
	}
	reason = strings.TrimSpace(spaceRE.ReplaceAllString(reason, " "))
	return reason + "; " + kustomizeHint(reason, dir, kfile)
}

func kustomizeHint(reason, dir, kfile string) string {
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(reason, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case has(helmNotEnabled):
		return "helmCharts runs helm, which converge does not run; render the chart into files (helm template, or kustomize build --enable-helm) and give converge those"
	case has("is not in or below"):
		return "kustomize only reads files inside the kustomization's directory (" + dir + "); move the file there, or give its directory its own kustomization and list that directory under resources"
	case has("unable to find one of"):
		return "a directory listed in the kustomization has no kustomization file; add one there, or list its files one by one"
	case has("no such file or directory", "evalsymlink failure"):
		return "check the paths listed in " + kfile + " (they are relative to the directory of the kustomization that lists them) and that the files exist"
	case has("patch", "operation does not apply", "Unexpected kind", "doc is missing"):
		return "fix the patch: a strategic merge patch is a partial object naming its target by apiVersion, kind and metadata.name; a JSON 6902 patch is a list of op (add, remove, replace, move, copy, test), path and value entries, needs a target, and its paths must exist in that target"
	case has("literal source", "KV pairs", "utf8", "illegally repeats", "not a valid key name"):
		return "fix the generator's input: literals are KEY=VALUE, env files hold KEY=VALUE lines, and each key appears once"
	case has("invalid Kustomization", "unknown field"):
		return "fix " + kfile + "; its fields are described at https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/"
	case has("multiple possible referrals"):
		return "a name reference could mean more than one of these objects; give them distinct names, or put the referrer in the namespace of the one it means"
	case has("already registered id"):
		return "the same object is produced twice; remove one of them, or use behavior: merge or replace for a generator that changes a base's"
	case has("is empty"):
		return "list resources, components or generators in " + kfile
	default:
		return "fix the kustomization, and check the result with kubectl kustomize " + dir
	}
}
