package e2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshGitServer serves the repositories under root over ssh on loopback,
// as a git host does: git-upload-pack for clients with the authorized key.
// It returns its address and host key.
func sshGitServer(t *testing.T, root string, authorized ssh.PublicKey) (string, ssh.PublicKey) {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	config := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if bytes.Equal(key.Marshal(), authorized.Marshal()) {
			return nil, nil
		}
		return nil, fmt.Errorf("unknown key")
	}}
	config.AddHostKey(hostKey)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go serveSSH(conn, config, root)
		}
	}()
	return l.Addr().String(), hostKey.PublicKey()
}

func serveSSH(conn net.Conn, config *ssh.ServerConfig, root string) {
	_, chans, reqs, err := ssh.NewServerConn(conn, config)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		go serveSession(ch, requests, root)
	}
}

// serveSession runs the one command a git client asks for:
// git-upload-pack '/repo'.
func serveSession(ch ssh.Channel, requests <-chan *ssh.Request, root string) {
	defer ch.Close()
	for req := range requests {
		if req.Type != "exec" || len(req.Payload) < 4 {
			_ = req.Reply(false, nil)
			continue
		}
		command := string(req.Payload[4 : 4+binary.BigEndian.Uint32(req.Payload)])
		name, arg, _ := strings.Cut(command, " ")
		if name != "git-upload-pack" {
			_ = req.Reply(false, nil)
			return
		}
		_ = req.Reply(true, nil)
		cmd := exec.Command("git-upload-pack", filepath.Join(root, strings.Trim(arg, "'/")))
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		status := uint32(0)
		if err := cmd.Run(); err != nil {
			status = 1
		}
		_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, status))
		return
	}
}

// TestSyncOverSSH: a key file and a known_hosts file; a host key that
// does not match is refused.
func TestSyncOverSSH(t *testing.T) {
	ns := testcluster.Namespace(t)
	root := t.TempDir()
	repo := newGitRepo(t, root, "apps")
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clientPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, hostKey := sshGitServer(t, root, clientPub)
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(knownhosts.Line([]string{knownhosts.Normalize(addr)}, hostKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url := "ssh://git@" + addr + "/apps"
	mustSucceed(t, "sync over ssh", syncOnce(t, ns, url, "--ssh-key", keyFile, "--known-hosts", knownHosts))
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "1" {
		t.Errorf("configmap/a = %q", got)
	}

	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	other, _ := ssh.NewSignerFromKey(otherPriv)
	wrong := filepath.Join(dir, "wrong_known_hosts")
	if err := os.WriteFile(wrong, []byte(knownhosts.Line([]string{knownhosts.Normalize(addr)}, other.PublicKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	repo.commit("v2", map[string]string{"app/a.yaml": cm("a", "2")})
	r := syncOnce(t, ns, url, "--ssh-key", keyFile, "--known-hosts", wrong)
	if r.code == 0 || !strings.Contains(r.stderr, "key mismatch") {
		t.Errorf("a host key that does not match: exit %d\n%s", r.code, r.stderr)
	}
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "1" {
		t.Errorf("a sync from an unverified host applied configmap/a = %q", got)
	}
}
