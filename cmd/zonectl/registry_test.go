package main

import (
	"flag"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/zonectl/zonectl/internal/registrytest"
)

// cmdRegistry starts a real OCI registry (docker-registry) on loopback for
// the rest of the script and sets $NAME to its host:port, $NAME_DATA to
// its storage directory, and, as a client needs them, DOCKER_CONFIG (its
// credentials, with -auth) and SSL_CERT_FILE (its CA, with -tls).
//
//	registry feed -auth ci:s3cret -tls
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("registry", flag.ContinueOnError)
	authFlag := fs.String("auth", "", "USER:PASSWORD for htpasswd basic auth")
	tls := fs.Bool("tls", false, "serve HTTPS with a certificate from a new test CA")
	if neg || len(args) < 1 {
		ts.Fatalf("usage: registry NAME [-auth USER:PASSWORD] [-tls]")
	}
	name := args[0]
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		ts.Fatalf("usage: registry NAME [-auth USER:PASSWORD] [-tls]")
	}
	opts := registrytest.Options{TLS: *tls}
	if *authFlag != "" {
		user, password, ok := strings.Cut(*authFlag, ":")
		if !ok {
			ts.Fatalf("registry: -auth wants USER:PASSWORD")
		}
		opts.User, opts.Password = user, password
	}
	r, err := registrytest.StartIn(ts.MkAbs(".registry-"+name), opts)
	ts.Check(err)
	ts.Defer(r.Stop)
	ts.Setenv(name, r.Host)
	ts.Setenv(name+"_DATA", r.Dir+"/data")
	for _, kv := range r.Env() {
		k, v, _ := strings.Cut(kv, "=")
		ts.Setenv(k, v)
	}
}
