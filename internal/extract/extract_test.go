package extract

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExtractFormats(t *testing.T) {
	ents := []ent{
		dir("app/"),
		exe("app/bin/run.sh", "#!/bin/sh\necho hi\n"),
		file("app/config/settings.json", `{"a": 1}`),
		file("app/config/nested/deep/x.txt", "deep"),
		file("./top.txt", "top"),
		symlink("app/current", "bin/run.sh"),
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			archive := writeArchive(t, "pkg", f.build(t, ents))
			dest := filepath.Join(t.TempDir(), "missing", "dest")
			res, err := Extract(context.Background(), archive, dest, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"app/",
				"app/bin/",
				"app/bin/run.sh:#!/bin/sh\necho hi\n",
				"app/config/",
				"app/config/nested/",
				"app/config/nested/deep/",
				"app/config/nested/deep/x.txt:deep",
				`app/config/settings.json:{"a": 1}`,
				"app/current@bin/run.sh",
				"top.txt:top",
			}
			if got := tree(t, dest); !slices.Equal(got, want) {
				t.Errorf("tree:\n got %q\nwant %q", got, want)
			}
			if res.Files != 4 || res.Bytes != int64(len("#!/bin/sh\necho hi\n")+len(`{"a": 1}`)+len("deep")+len("top")) {
				t.Errorf("result = %+v", res)
			}
			info, err := os.Stat(filepath.Join(dest, "app/bin/run.sh"))
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm()&0o100 == 0 {
				t.Errorf("run.sh mode %v lost its executable bit", info.Mode())
			}
			info, err = os.Stat(filepath.Join(dest, "top.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm()&0o111 != 0 {
				t.Errorf("top.txt mode %v became executable", info.Mode())
			}
		})
	}
}

func TestExtractMasksGroupAndWorldWrite(t *testing.T) {
	ents := []ent{
		{name: "w.sh", typ: tar.TypeReg, mode: 0o4777, body: "x"},
		{name: "d/", typ: tar.TypeDir, mode: 0o777},
		{name: "ro.txt", typ: tar.TypeReg, mode: 0o400, body: "x"},
	}
	dest := t.TempDir()
	if _, err := Extract(context.Background(), writeArchive(t, "p.tar", tarBytes(t, ents)), dest, Options{}); err != nil {
		t.Fatal(err)
	}
	for name, max := range map[string]os.FileMode{"w.sh": 0o755, "d": 0o755 | os.ModeDir, "ro.txt": 0o600} {
		info, err := os.Stat(filepath.Join(dest, name))
		if err != nil {
			t.Fatal(err)
		}
		if m := info.Mode(); m&^max != 0 {
			t.Errorf("%s: mode %v has bits beyond %v", name, m, max)
		}
	}
}

func TestExtractSubstitutesOnlyMatchingFiles(t *testing.T) {
	binary := string([]byte{0, 1, 2, 0xff, 0xfe, '#', '{', 'V', '}', 0x80, 0})
	ents := []ent{
		file("config/app.json", `{"env": "#{Env}"}`),
		file("config/sub/db.json", `{"db": "#{Env}"}`),
		file("config/readme.txt", "#{Env} untouched"),
		file("web.config", "<env>#{Env}</env>"),
		file("deep/a/b/web.config", "<env>#{Env}</env>"),
		file("assets/logo.bin", binary),
		file("assets/logo.json.bak", "#{Env}"),
	}
	var seen []string
	opts := Options{
		Substitute: []string{"config/*.json", "config/**/db.json", "**/web.config"},
		Transform: func(name string, content []byte) ([]byte, error) {
			seen = append(seen, name)
			return bytes.ReplaceAll(content, []byte("#{Env}"), []byte("Production")), nil
		},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			seen = nil
			dest := t.TempDir()
			res, err := Extract(context.Background(), writeArchive(t, "pkg", f.build(t, ents)), dest, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"config/app.json", "config/sub/db.json", "web.config", "deep/a/b/web.config"}
			if !slices.Equal(res.Substituted, want) || !slices.Equal(seen, want) {
				t.Errorf("substituted %q, transform saw %q, want %q", res.Substituted, seen, want)
			}
			for name, body := range map[string]string{
				"config/app.json":      `{"env": "Production"}`,
				"config/sub/db.json":   `{"db": "Production"}`,
				"config/readme.txt":    "#{Env} untouched",
				"web.config":           "<env>Production</env>",
				"deep/a/b/web.config":  "<env>Production</env>",
				"assets/logo.bin":      binary,
				"assets/logo.json.bak": "#{Env}",
			} {
				got, err := os.ReadFile(filepath.Join(dest, name))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != body {
					t.Errorf("%s = %q, want %q", name, got, body)
				}
			}
			if res.Bytes != int64(len(`{"env": "Production"}`)+len(`{"db": "Production"}`)+len("#{Env} untouched")+
				2*len("<env>Production</env>")+len(binary)+len("#{Env}")) {
				t.Errorf("bytes = %d, counted before substitution?", res.Bytes)
			}
		})
	}
}

func TestExtractSubstitutionErrors(t *testing.T) {
	archive := writeArchive(t, "p.tar", tarBytes(t, []ent{file("big.json", strings.Repeat("x", 100))}))
	_, err := Extract(context.Background(), archive, t.TempDir(), Options{
		Substitute:  []string{"*.json"},
		Transform:   func(_ string, b []byte) ([]byte, error) { return b, nil },
		MaxFileSize: 99,
	})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), `"big.json"`) {
		t.Errorf("err = %v, want ErrTooLarge naming big.json", err)
	}

	boom := errors.New("unknown variable")
	_, err = Extract(context.Background(), archive, t.TempDir(), Options{
		Substitute: []string{"*.json"},
		Transform:  func(string, []byte) ([]byte, error) { return nil, boom },
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), `substituting "big.json"`) {
		t.Errorf("err = %v, want the transform's error naming big.json", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	id := func(_ string, b []byte) ([]byte, error) { return b, nil }
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, ""},
		{Options{Substitute: []string{"a/**/b.json", "./c/*"}, Transform: id}, ""},
		{Options{Substitute: []string{"*.json"}}, "without a transform"},
		{Options{MaxFileSize: -1}, "negative"},
		{Options{Substitute: []string{"/etc/*"}, Transform: id}, "absolute"},
		{Options{Substitute: []string{"a//b"}, Transform: id}, "empty path segment"},
		{Options{Substitute: []string{"a/../b"}, Transform: id}, `".." segment`},
		{Options{Substitute: []string{"[a"}, Transform: id}, "syntax error"},
		{Options{Substitute: []string{""}, Transform: id}, "empty"},
	} {
		err := tc.opts.Validate()
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tc.opts.Substitute, err, tc.want)
		}
	}
	_, err := Extract(context.Background(), "unused", t.TempDir(), Options{MaxFileSize: -1})
	if err == nil {
		t.Error("Extract accepted invalid options")
	}
}

func TestExtractIntoExistingDirectory(t *testing.T) {
	dest := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside.txt")
	must(t, os.WriteFile(outside, []byte("outside"), 0o644))
	must(t, os.WriteFile(filepath.Join(dest, "keep.txt"), []byte("kept"), 0o644))
	must(t, os.WriteFile(filepath.Join(dest, "app.txt"), []byte("old"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(dest, "linked.txt")))
	must(t, os.Symlink("keep.txt", filepath.Join(dest, "link-to-keep.txt")))

	archive := writeArchive(t, "p.tar", tarBytes(t, []ent{
		file("app.txt", "new"),
		file("linked.txt", "replaced the link"),
	}))
	if _, err := Extract(context.Background(), archive, dest, Options{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"app.txt:new", "keep.txt:kept", "link-to-keep.txt@keep.txt", "linked.txt:replaced the link"}
	if got := tree(t, dest); !slices.Equal(got, want) {
		t.Errorf("tree = %q, want %q", got, want)
	}
	if b, _ := os.ReadFile(outside); string(b) != "outside" {
		t.Errorf("the file the old link pointed at was written: %q", b)
	}

	// A link already in the destination is never written through.
	must(t, os.Mkdir(filepath.Join(dest, "sub"), 0o755))
	must(t, os.Symlink("sub", filepath.Join(dest, "sublink")))
	_, err := Extract(context.Background(), writeArchive(t, "p.tar", tarBytes(t, []ent{file("sublink/x", "x")})), dest, Options{})
	if !errors.Is(err, ErrUnsafeEntry) {
		t.Errorf("writing through an existing link: err = %v, want ErrUnsafeEntry", err)
	}
	must(t, os.Remove(filepath.Join(dest, "sublink")))
	must(t, os.Remove(filepath.Join(dest, "sub")))

	// A directory is never replaced by a file, nor a file by a directory.
	must(t, os.Mkdir(filepath.Join(dest, "conf"), 0o755))
	for _, ents := range [][]ent{{file("conf", "x")}, {symlink("conf", "keep.txt")}, {dir("keep.txt/")}, {file("keep.txt/x", "x")}} {
		_, err := Extract(context.Background(), writeArchive(t, "p.tar", tarBytes(t, ents)), dest, Options{})
		if err == nil {
			t.Errorf("extracting %q over the existing tree succeeded", ents[0].name)
		}
	}
	if got := tree(t, dest); !slices.Equal(got, append([]string{"app.txt:new", "conf/"}, want[1:]...)) {
		t.Errorf("tree after refusals = %q", got)
	}
}

func TestExtractRepeatedEntryReplacesNotFollows(t *testing.T) {
	// A tar may hold a path twice; the later entry wins, and a link
	// written first is replaced, not written through.
	dest := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dest, "target.txt"), []byte("target"), 0o644))
	archive := writeArchive(t, "p.tar", tarBytes(t, []ent{
		symlink("a.txt", "target.txt"),
		file("a.txt", "second"),
		file("b.txt", "first"),
		hardlink("c.txt", "b.txt"),
		file("c.txt", "own"),
	}))
	if _, err := Extract(context.Background(), archive, dest, Options{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.txt:second", "b.txt:first", "c.txt:own", "target.txt:target"}
	if got := tree(t, dest); !slices.Equal(got, want) {
		t.Errorf("tree = %q, want %q", got, want)
	}
}

func TestExtractHardlinks(t *testing.T) {
	dest := t.TempDir()
	archive := writeArchive(t, "p.tar", tarBytes(t, []ent{
		file("orig/app.json", "#{Env}"),
		hardlink("copy/app.json", "orig/app.json"),
		hardlink("config/app.json", "./orig/app.json"),
	}))
	res, err := Extract(context.Background(), archive, dest, Options{
		Substitute: []string{"config/*"},
		Transform: func(_ string, b []byte) ([]byte, error) {
			return bytes.ReplaceAll(b, []byte("#{Env}"), []byte("Test")), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"config/", "config/app.json:Test", "copy/", "copy/app.json:#{Env}", "orig/", "orig/app.json:#{Env}"}
	if got := tree(t, dest); !slices.Equal(got, want) {
		t.Errorf("tree = %q, want %q", got, want)
	}
	if res.Files != 3 || !slices.Equal(res.Substituted, []string{"config/app.json"}) {
		t.Errorf("result = %+v", res)
	}
	a, _ := os.Stat(filepath.Join(dest, "orig/app.json"))
	b, _ := os.Stat(filepath.Join(dest, "copy/app.json"))
	if !os.SameFile(a, b) {
		t.Error("copy/app.json is not a hard link to orig/app.json")
	}
}

func TestExtractUnknownFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.zip", nil, "an empty file"},
		{"pkg.tar.gz", []byte("hello, this is not an archive\nat all"), `text starting "hello, this is not an archive"`},
		{"pkg.tar.bz2", []byte("BZh91AY&SY..."), "bzip2"},
		{"pkg.nupkg", bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 200), "binary data starting with de ad be ef"},
		{"short.tar", []byte("ustar"), "text"},
		{"inner.tar.gz", gzipBytes(t, []byte("just text inside")), "gzip-compressed, but not a tar archive"},
	} {
		archive := writeArchive(t, tc.name, tc.data)
		_, err := Extract(context.Background(), archive, t.TempDir(), Options{})
		if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: err = %v, want ErrUnknownFormat naming the file and %q", tc.name, err, tc.want)
		}
	}
}

func TestExtractSniffsContentNotExtension(t *testing.T) {
	ents := []ent{file("a.txt", "a")}
	for _, f := range formats {
		dest := t.TempDir()
		// Every format under a misleading name.
		if _, err := Extract(context.Background(), writeArchive(t, "pkg.nupkg.tar", f.build(t, ents)), dest, Options{}); err != nil {
			t.Errorf("%s: %v", f.name, err)
		}
	}
	// An empty zip and an empty tar are valid, empty packages.
	for name, data := range map[string][]byte{"empty.zip": zipBytes(t, nil), "empty.tar": tarBytes(t, nil), "empty.tgz": gzipBytes(t, tarBytes(t, nil))} {
		res, err := Extract(context.Background(), writeArchive(t, name, data), t.TempDir(), Options{})
		if err != nil || res.Files != 0 {
			t.Errorf("%s: %+v, %v", name, res, err)
		}
	}
	// An old V7 tar has no magic, only a checksum.
	v7 := tarBytes(t, []ent{{name: "a.txt", typ: tar.TypeReg, mode: 0o644, body: "a"}})[:512]
	copy(v7[257:265], make([]byte, 8))
	sum := 0
	for i, c := range v7 {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int(c)
	}
	copy(v7[148:156], fmt.Sprintf("%06o\x00 ", sum))
	if !isTarBlock(v7) {
		t.Error("a V7 tar header is not recognised")
	}
	v7[0] ^= 1
	if isTarBlock(v7) {
		t.Error("a block with a wrong checksum is taken for a tar header")
	}
}

func TestExtractTruncated(t *testing.T) {
	ents := []ent{file("a.txt", strings.Repeat("some text ", 2000)), file("b.txt", "b")}
	tgz := gzipBytes(t, tarBytes(t, ents))
	for _, n := range []int{10, len(tgz) / 2, len(tgz) - 9, len(tgz) - 1} {
		_, err := Extract(context.Background(), writeArchive(t, "p.tgz", tgz[:n]), t.TempDir(), Options{})
		if err == nil {
			t.Errorf("gzip cut to %d of %d bytes extracted without error", n, len(tgz))
		}
	}
	corrupt := bytes.Clone(tgz)
	corrupt[len(corrupt)-6] ^= 0xff // the CRC-32 trailer
	if _, err := Extract(context.Background(), writeArchive(t, "p.tgz", corrupt), t.TempDir(), Options{}); err == nil {
		t.Error("gzip with a wrong checksum extracted without error")
	}
	tb := tarBytes(t, ents)
	if _, err := Extract(context.Background(), writeArchive(t, "p.tar", tb[:len(tb)/2]), t.TempDir(), Options{}); err == nil {
		t.Error("tar cut in half extracted without error")
	}
	zb := zipBytes(t, ents)
	if _, err := Extract(context.Background(), writeArchive(t, "p.zip", zb[:len(zb)-10]), t.TempDir(), Options{}); err == nil {
		t.Error("zip missing its end extracted without error")
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range formats {
		dest := t.TempDir()
		_, err := Extract(ctx, writeArchive(t, "p", f.build(t, []ent{file("a", "a")})), dest, Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", f.name, err)
		}
		if got := tree(t, dest); len(got) != 0 {
			t.Errorf("%s: cancelled extraction wrote %q", f.name, got)
		}
	}
	// Cancelled between entries: the first is written, the second not.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	dest := t.TempDir()
	_, err := Extract(ctx, writeArchive(t, "p.tar", tarBytes(t, []ent{file("a.json", "a"), file("b.json", "b")})), dest, Options{
		Substitute: []string{"a.json"},
		Transform:  func(_ string, b []byte) ([]byte, error) { cancel(); return b, nil },
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := tree(t, dest); !slices.Equal(got, []string{"a.json:a"}) {
		t.Errorf("tree = %q", got)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
