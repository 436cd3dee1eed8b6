package sync

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// AuthOptions say how to authenticate to the remote. A credential is read
// from a file or an environment variable, never from a flag's value, and
// never reaches a log, an error or the status.
type AuthOptions struct {
	// Username goes with the password or token over https; "git" when
	// empty, which GitHub, GitLab and Gitea accept with a token.
	Username string
	// PasswordFile or PasswordEnv hold the password or token, for https.
	PasswordFile, PasswordEnv string
	// SSHKeyFile is a private key, for ssh; KnownHostsFile the host keys
	// it is checked against, strictly (~/.ssh/known_hosts when empty).
	SSHKeyFile, KnownHostsFile string
}

// Method returns the auth for repo, nil when none is configured.
func (a AuthOptions) Method(repo string) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(repo)
	if err != nil {
		return nil, fmt.Errorf("--repo %s: %w", scrub(repo, repo), err)
	}
	switch ep.Protocol {
	case "ssh":
		return a.ssh()
	case "http", "https":
		return a.http()
	}
	return nil, nil
}

func (a AuthOptions) http() (transport.AuthMethod, error) {
	var secret string
	switch {
	case a.PasswordFile != "":
		data, err := os.ReadFile(a.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("--git-password-file: %w", err)
		}
		secret = strings.TrimSpace(string(data))
	case a.PasswordEnv != "":
		secret = os.Getenv(a.PasswordEnv)
		if secret == "" {
			return nil, fmt.Errorf("--git-password-env %s: the variable is empty or unset", a.PasswordEnv)
		}
	default:
		return nil, nil
	}
	user := a.Username
	if user == "" {
		user = "git"
	}
	return &http.BasicAuth{Username: user, Password: secret}, nil
}

func (a AuthOptions) ssh() (transport.AuthMethod, error) {
	if a.SSHKeyFile == "" {
		return nil, fmt.Errorf("an ssh remote needs --ssh-key FILE (and --known-hosts FILE, else ~/.ssh/known_hosts)")
	}
	user := a.Username
	if user == "" {
		user = "git"
	}
	keys, err := ssh.NewPublicKeysFromFile(user, a.SSHKeyFile, "")
	if err != nil {
		return nil, fmt.Errorf("--ssh-key %s: %w", a.SSHKeyFile, err)
	}
	var files []string
	if a.KnownHostsFile != "" {
		files = []string{a.KnownHostsFile}
	}
	cb, err := ssh.NewKnownHostsCallback(files...)
	if err != nil {
		return nil, fmt.Errorf("known hosts: %w; pass --known-hosts FILE with the server's host key (ssh-keyscan HOST)", err)
	}
	keys.HostKeyCallback = cb
	return keys, nil
}

// scrub removes the credentials of repo's URL from msg.
func scrub(msg, repo string) string {
	u, err := url.Parse(repo)
	if err != nil || u.User == nil {
		return msg
	}
	msg = strings.ReplaceAll(msg, u.User.String()+"@", "")
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, url.PathEscape(p), "<redacted>")
		msg = strings.ReplaceAll(msg, url.QueryEscape(p), "<redacted>")
		msg = strings.ReplaceAll(msg, p, "<redacted>")
	}
	return msg
}
