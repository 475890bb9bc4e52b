package keys

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const testFingerprint = "0123456789ABCDEF0123456789ABCDEF01234567"

func TestPrivateKeyPath(t *testing.T) {
	config := t.TempDir()
	tests := []struct {
		name        string
		env         string // ZONECTL_KEY
		fingerprint string
		want        string
		wantErr     string
	}{
		{"default", "", testFingerprint, filepath.Join(config, "zonectl", "keys", testFingerprint+".asc"), ""},
		{"lower-case fingerprint", "", strings.ToLower(testFingerprint), filepath.Join(config, "zonectl", "keys", testFingerprint+".asc"), ""},
		{"v6 fingerprint", "", strings.Repeat("AB", 32), filepath.Join(config, "zonectl", "keys", strings.Repeat("AB", 32)+".asc"), ""},
		{"ZONECTL_KEY", "/secure/prod.asc", testFingerprint, "/secure/prod.asc", ""},
		{"ZONECTL_KEY ignores the fingerprint", "/secure/prod.asc", "", "/secure/prod.asc", ""},
		{"short fingerprint", "", "0123", "", `key fingerprint "0123" is not 40 or 64 hexadecimal digits`},
		{"path in fingerprint", "", "../../../../../../../../../../etc/passwd12", "", "not 40 or 64 hexadecimal digits"},
		{"non-hex fingerprint", "", strings.Repeat("G", 40), "", "not 40 or 64 hexadecimal digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", config)
			t.Setenv("HOME", t.TempDir()) // for platforms that ignore XDG_CONFIG_HOME
			t.Setenv(EnvKey, tt.env)
			got, err := PrivateKeyPath(tt.fingerprint)
			if tt.wantErr != "" {
				wantErr(t, err, tt.wantErr)
				return
			}
			if runtime.GOOS != "linux" && tt.env == "" {
				t.Skip("the default config dir is only under XDG_CONFIG_HOME on Linux")
			}
			if err != nil || got != tt.want {
				t.Errorf("PrivateKeyPath(%q) = %q, %v; want %q", tt.fingerprint, got, err, tt.want)
			}
		})
	}
}

func TestWritePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "zonectl", "keys")
	path := filepath.Join(dir, testFingerprint+".asc")
	key := []byte("-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n")

	if err := WritePrivate(path, key); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(key) {
		t.Fatalf("read back %q, %v; want %q", got, err, key)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %v; want 0600", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("key directory mode %v; want 0700", fi.Mode().Perm())
		}
	}

	err = WritePrivate(path, []byte("another key"))
	wantErr(t, err, path, "refusing to overwrite")
	if got, _ := os.ReadFile(path); string(got) != string(key) {
		t.Errorf("the existing key was changed to %q", got)
	}

	// A dangling symlink at the path counts as a file: writing through it
	// would put a private key wherever it points.
	link := filepath.Join(dir, "link.asc")
	if err := os.Symlink(filepath.Join(dir, "elsewhere.asc"), link); err == nil {
		wantErr(t, WritePrivate(link, key), "refusing to overwrite")
		if _, err := os.Stat(filepath.Join(dir, "elsewhere.asc")); err == nil {
			t.Error("WritePrivate wrote through a symlink")
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != testFingerprint+".asc" && e.Name() != "link.asc" {
			t.Errorf("WritePrivate left %q behind", e.Name())
		}
	}
}

func TestLoadPrivate(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	other := mustGenerate(t, "test", date(2024, 3, 1))
	fpr := Fingerprint(e)
	plain, _ := ArmorPrivate(e, nil)
	locked, _ := ArmorPrivate(e, []byte("s3cret"))
	otherKey, _ := ArmorPrivate(other, nil)

	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plainPath := write("plain.asc", plain)
	lockedPath := write("locked.asc", locked)
	otherPath := write("other.asc", otherKey)
	passPath := write("pass", []byte("s3cret\n"))
	wrongPassPath := write("wrong-pass", []byte("guess\n"))

	config := t.TempDir()
	defaultPath := filepath.Join(config, "zonectl", "keys", fpr+".asc")

	tests := []struct {
		name        string
		key         string // ZONECTL_KEY
		pass        string // ZONECTL_PASSPHRASE_FILE
		fingerprint string
		want        []string // error parts; none for success
	}{
		{"ZONECTL_KEY", plainPath, "", fpr, nil},
		{"lower-case fingerprint", plainPath, "", strings.ToLower(fpr), nil},
		{"default location", "", "", fpr, nil},
		{"with passphrase", lockedPath, passPath, fpr, nil},
		{"missing passphrase", lockedPath, "", fpr, []string{lockedPath, "protected by a passphrase; set ZONECTL_PASSPHRASE_FILE"}},
		{"wrong passphrase", lockedPath, wrongPassPath, fpr, []string{lockedPath, "wrong passphrase"}},
		{"another Space's key", otherPath, "", fpr, []string{otherPath, Fingerprint(other), fpr, "ZONECTL_KEY"}},
		{"missing file", filepath.Join(dir, "absent.asc"), "", fpr, []string{filepath.Join(dir, "absent.asc"), "outside the repository", "ZONECTL_KEY"}},
		{"missing default file", "", "", Fingerprint(other), []string{Fingerprint(other) + ".asc", "ZONECTL_KEY"}},
		{"bad fingerprint", plainPath, "", "prod", []string{`key fingerprint "prod"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", config)
			t.Setenv(EnvKey, tt.key)
			t.Setenv(EnvPassphraseFile, tt.pass)
			if tt.key == "" && runtime.GOOS != "linux" {
				t.Skip("the default config dir is only under XDG_CONFIG_HOME on Linux")
			}
			if tt.name == "default location" {
				if err := WritePrivate(defaultPath, plain); err != nil {
					t.Fatal(err)
				}
			}
			got, err := LoadPrivate(tt.fingerprint)
			wantErr(t, err, tt.want...)
			if err == nil && Fingerprint(got) != fpr {
				t.Errorf("loaded key %s; want %s", Fingerprint(got), fpr)
			}
		})
	}
}

func TestPassphrase(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		env     string
		want    string
		wantNil bool
		wantErr string
	}{
		{"unset", "", "", true, ""},
		{"plain", write("a", "s3cret"), "s3cret", false, ""},
		{"trailing newline", write("b", "s3cret\n"), "s3cret", false, ""},
		{"trailing CRLF", write("c", "s3cret\r\n"), "s3cret", false, ""},
		{"inner spaces kept", write("d", " s3 cret \n"), " s3 cret ", false, ""},
		{"empty", write("e", ""), "", false, "is empty"},
		{"only a newline", write("f", "\n"), "", false, "is empty"},
		{"missing", filepath.Join(dir, "absent"), "", false, "absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvPassphraseFile, tt.env)
			got, err := Passphrase()
			if tt.wantErr != "" {
				wantErr(t, err, tt.wantErr, EnvPassphraseFile)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNil != (got == nil) || string(got) != tt.want {
				t.Errorf("Passphrase() = %q; want %q", got, tt.want)
			}
		})
	}
}
