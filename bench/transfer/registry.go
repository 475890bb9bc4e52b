package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/zonectl/zonectl/internal/registrytest"
)

// registryBound is the memory a push to or a pull from a registry may
// use, whatever the package's size.
const registryBound = 100 << 20

// registryLeg pushes a package of size bytes to the Space's store on a
// registry (Debian's docker-registry, started here on loopback) and pulls
// it into an empty cache, beside sha256sum of the same bytes: each must
// go at least half as fast as sha256sum, in under 100 MiB.
func (b *bench) registryLeg(size int64) error {
	reg, err := registrytest.StartIn(b.ws.path("registry"), registrytest.Options{})
	if err != nil {
		return err
	}
	defer reg.Stop()
	file := b.ws.path("dist", "registry.bin")
	if err := writeFile(file, gen{seed: b.g.seed + 1, size: size}.writeV1); err != nil {
		return err
	}
	defer os.Remove(file)
	ref, err := b.r.run(fmt.Sprintf("ref: sha256sum %s (registry leg)", human(size)), b.ws.dir, "sha256sum", file)
	if err != nil {
		return err
	}
	env := b.r.env
	defer func() { b.r.env = env }()
	b.r.env = append(append([]string{}, env...), "ZONECTL_STORE=oci+http://"+reg.Host+"/bench")
	push, err := b.r.run("registry: package push", b.ws.dir, b.ws.zonectl, "package", "push", file, "--id", "big", "--version", "1.0.0")
	if err != nil {
		return err
	}
	push.Bound = registryBound
	// The pull starts from an empty cache, as on a fresh runner, once the
	// push's writes are on disk: the two legs are measured apart.
	if err := os.RemoveAll(filepath.Join(b.ws.path("home"), ".cache", "zonectl")); err != nil {
		return err
	}
	if _, err := b.r.run("", b.ws.dir, "sync"); err != nil {
		return err
	}
	pull, err := b.r.run("registry: package pull", b.ws.dir, b.ws.zonectl, "package", "pull", "big", "1.0.0")
	if err != nil {
		return err
	}
	pull.Bound = registryBound
	for _, m := range []*measure{push, pull} {
		b.check(m.Label+": at least half sha256sum's speed", m.Wall <= 2*ref.Wall,
			fmt.Sprintf("%s/s, sha256sum %s/s (%.2f×)", human(rate(size, m.Wall)), human(rate(size, ref.Wall)), ref.Wall.Seconds()/m.Wall.Seconds()))
	}
	return nil
}

func rate(n int64, d time.Duration) int64 { return int64(float64(n) / d.Seconds()) }
