// Package registrytest starts a real OCI registry on loopback for tests:
// the CNCF distribution registry that Debian packages as docker-registry,
// with a temporary configuration and storage, optionally behind htpasswd
// basic auth and TLS signed by a test CA.
package registrytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Binary is the registry Debian's docker-registry package installs.
const Binary = "docker-registry"

// Options say how the registry is protected.
type Options struct {
	User, Password string // basic auth with this one user when User is set
	TLS            bool   // HTTPS with a certificate signed by a new CA
}

// A Registry is a running registry.
type Registry struct {
	Host      string // 127.0.0.1:PORT
	PlainHTTP bool   // true unless started with TLS
	// CAFile is the test CA's certificate (PEM) when TLS is on: clients
	// trust it through SSL_CERT_FILE.
	CAFile string
	// DockerConfig is a directory holding a config.json with the user's
	// credentials for Host, for DOCKER_CONFIG; empty without auth.
	DockerConfig string
	Dir          string // configuration and storage
	cmd          *exec.Cmd
	exited       chan error // gets the registry's exit
	log          *os.File
}

// Start starts a registry for t and stops it when t ends. It fails t when
// docker-registry is not installed: the Makefile and .ci/run install it.
func Start(t testing.TB, opts Options) *Registry {
	t.Helper()
	r, err := StartIn(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// StartIn starts a registry whose files live in dir; the caller stops it.
func StartIn(dir string, opts Options) (*Registry, error) {
	bin, err := exec.LookPath(Binary)
	if err != nil {
		return nil, fmt.Errorf("%s is not installed: the tests need a real registry (Debian/Ubuntu: apt-get install docker-registry; `make check-tools` says what else is missing)", Binary)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &Registry{Dir: dir, PlainHTTP: !opts.TLS}
	var last error
	for range 5 { // a port taken between choosing and binding it: choose again
		if last = r.start(bin, opts); last == nil {
			return r, nil
		}
	}
	return nil, last
}

func (r *Registry) start(bin string, opts Options) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	r.Host = fmt.Sprintf("127.0.0.1:%d", port)
	cfg, err := r.writeConfig(opts)
	if err != nil {
		return err
	}
	r.log, err = os.Create(filepath.Join(r.Dir, "registry.log"))
	if err != nil {
		return err
	}
	r.cmd = exec.Command(bin, "serve", cfg)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		return err
	}
	r.exited = make(chan error, 1)
	go func() { r.exited <- r.cmd.Wait() }()
	if err := r.waitReady(r.exited); err != nil {
		r.Stop()
		log, _ := os.ReadFile(r.log.Name())
		return fmt.Errorf("start %s: %w\n%s", Binary, err, log)
	}
	return nil
}

// writeConfig writes the registry's configuration, and the CA, key,
// htpasswd file and Docker config it names.
func (r *Registry) writeConfig(opts Options) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n")
	fmt.Fprintf(&b, "storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n", filepath.Join(r.Dir, "data"))
	fmt.Fprintf(&b, "http:\n  addr: %s\n", r.Host)
	if opts.TLS {
		cert, key, err := r.writeCerts()
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "  tls:\n    certificate: %s\n    key: %s\n", cert, key)
	}
	if opts.User != "" {
		htpasswd, err := r.writeCredentials(opts.User, opts.Password)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "auth:\n  htpasswd:\n    realm: zonectl-test\n    path: %s\n", htpasswd)
	}
	path := filepath.Join(r.Dir, "config.yml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeCredentials writes the htpasswd file the registry checks and the
// Docker config a client reads, as `docker login` would write it.
func (r *Registry) writeCredentials(user, password string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return "", err
	}
	htpasswd := filepath.Join(r.Dir, "htpasswd")
	if err := os.WriteFile(htpasswd, []byte(user+":"+string(hash)+"\n"), 0o600); err != nil {
		return "", err
	}
	r.DockerConfig = filepath.Join(r.Dir, "docker")
	if err := os.MkdirAll(r.DockerConfig, 0o700); err != nil {
		return "", err
	}
	cfg := map[string]any{"auths": map[string]any{r.Host: map[string]string{
		"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + password)),
	}}}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return "", err
	}
	return htpasswd, os.WriteFile(filepath.Join(r.DockerConfig, "config.json"), data, 0o600)
}

// writeCerts makes a CA and a certificate for 127.0.0.1 signed by it.
func (r *Registry) writeCerts() (certFile, keyFile string, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zonectl test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return "", "", err
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return "", "", err
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		return "", "", err
	}
	r.CAFile = filepath.Join(r.Dir, "ca.pem")
	certFile, keyFile = filepath.Join(r.Dir, "server.pem"), filepath.Join(r.Dir, "server.key")
	for _, f := range []struct {
		path, kind string
		der        []byte
	}{{r.CAFile, "CERTIFICATE", caDER}, {certFile, "CERTIFICATE", srvDER}, {keyFile, "EC PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.kind, Bytes: f.der}), 0o600); err != nil {
			return "", "", err
		}
	}
	return certFile, keyFile, nil
}

// waitReady waits until the registry answers /v2/, or exited says it
// stopped.
func (r *Registry) waitReady(exited chan error) error {
	client := &http.Client{Timeout: time.Second}
	scheme := "http"
	if !r.PlainHTTP {
		scheme = "https"
		pool := x509.NewCertPool()
		ca, err := os.ReadFile(r.CAFile)
		if err != nil {
			return err
		}
		pool.AppendCertsFromPEM(ca)
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err // for Stop
			return fmt.Errorf("it exited: %v", err)
		default:
		}
		resp, err := client.Get(scheme + "://" + r.Host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("it did not answer on %s within 15s", r.Host)
}

// Stop stops the registry.
func (r *Registry) Stop() {
	if r.cmd != nil {
		r.cmd.Process.Kill()
		select {
		case <-r.exited:
		case <-time.After(5 * time.Second):
		}
		r.cmd = nil
	}
	if r.log != nil {
		r.log.Close()
	}
}

// Env is the environment a client process needs to use the registry:
// DOCKER_CONFIG for its credentials and SSL_CERT_FILE for its CA.
func (r *Registry) Env() []string {
	var env []string
	if r.DockerConfig != "" {
		env = append(env, "DOCKER_CONFIG="+r.DockerConfig)
	}
	if r.CAFile != "" {
		env = append(env, "SSL_CERT_FILE="+r.CAFile)
	}
	return env
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
