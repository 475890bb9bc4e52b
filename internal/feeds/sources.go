package feeds

import (
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/store"
)

// StoreEnv names the variable that points a command at another package
// store: a directory, or an oci:// url for a store on a registry.
const StoreEnv = "ZONECTL_STORE"

// Sources are the places a Space's packages come from.
type Sources struct {
	// Cache holds the bytes a command uses: the store itself, or the
	// clone's cache of a store on a registry and of feeds.
	Cache *store.Store
	// Remote is the Space's store on a registry; nil when the store is a
	// directory.
	Remote *registry.Client
	feeds  map[string]*config.Feed
	open   map[string]*registry.Client
	// Progress, if set, is told how a transfer goes: what, the bytes done
	// and the bytes in all.
	Progress meter.Progress
}

// New returns the sources of a Space configured by cfg (nil for no
// Space: only the store then), with cache as the local store. remote is
// where the Space's store lives when it is on a registry, or nil.
func New(cache *store.Store, cfg *config.Space, remote *registry.Location) (*Sources, error) {
	s := &Sources{Cache: cache, feeds: map[string]*config.Feed{}, open: map[string]*registry.Client{}}
	if cfg != nil {
		for _, f := range cfg.Feeds {
			s.feeds[strings.ToLower(f.Name)] = f
		}
	}
	if remote != nil {
		c, err := registry.New(*remote)
		if err != nil {
			return nil, err
		}
		s.Remote = c
	}
	return s, nil
}

// RemoteStore is where the Space's store lives on a registry, from
// ZONECTL_STORE when it is a url (env is its value: oci://HOST/PATH, or
// oci+http://HOST/PATH for a registry that speaks plain HTTP), else from
// the `store` block; nil for a store in a directory.
func RemoteStore(cfg *config.Space, env string) (*registry.Location, error) {
	if IsURL(env) {
		plain := strings.HasPrefix(env, plainPrefix)
		host, path, err := config.ParseOCIURL("oci://" + strings.TrimPrefix(strings.TrimPrefix(env, plainPrefix), "oci://"))
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", StoreEnv, env, err)
		}
		return &registry.Location{Host: host, Path: path, PlainHTTP: plain, Name: StoreEnv}, nil
	}
	if env != "" || cfg == nil || cfg.Store == nil {
		return nil, nil
	}
	b := cfg.Store
	return &registry.Location{Host: b.Host, Path: b.Path, PlainHTTP: b.PlainHTTP, Name: "the Space's store"}, nil
}

const plainPrefix = "oci+http://"

// IsURL says whether a ZONECTL_STORE value names a registry rather than a
// directory.
func IsURL(env string) bool {
	return strings.HasPrefix(env, "oci://") || strings.HasPrefix(env, plainPrefix)
}

// client is the registry a package's bytes are in: its feed's, as the
// Space declares it, or the Space's store's; nil for the store in a
// directory.
func (s *Sources) client(feed string) (*registry.Client, error) {
	if feed == "" {
		return s.Remote, nil
	}
	f, ok := s.feeds[strings.ToLower(feed)]
	if !ok {
		return nil, fmt.Errorf("feed %q is not declared in this Space (a `feed %q { type = \"oci\" url = \"oci://…\" }` block in space.hcl)", feed, feed)
	}
	return s.feedClient(f)
}

// feedClient is the client of feed f, made once per url.
func (s *Sources) feedClient(f *config.Feed) (*registry.Client, error) {
	key := fmt.Sprintf("%s|%s|%v", f.Host, f.Path, f.PlainHTTP)
	if c, ok := s.open[key]; ok {
		return c, nil
	}
	c, err := registry.New(registry.Location{Host: f.Host, Path: f.Path, PlainHTTP: f.PlainHTTP, Name: fmt.Sprintf("feed %q", f.Name)})
	if err != nil {
		return nil, err
	}
	s.open[key] = c
	return c, nil
}
