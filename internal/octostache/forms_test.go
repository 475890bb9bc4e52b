package octostache

import (
	"slices"
	"testing"
)

// The spellings of a secret a template can make are listed for masking,
// and so is each long enough line of a multi-line one.
func TestForms(t *testing.T) {
	got := Forms("hunter2-Sekrit <a&b>")
	for _, want := range []string{"hunter2-Sekrit <a&b>", "HUNTER2-SEKRIT <A&B>", "hunter2-sekrit <a&b>", "aHVudGVyMi1TZWtyaXQgPGEmYj4=", "hunter2-Sekrit &lt;a&amp;b&gt;", "hunter2-Sekrit%20%3Ca%26b%3E"} {
		if !slices.Contains(got, want) {
			t.Errorf("Forms lacks %q: %q", want, got)
		}
	}
	key := "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nshort\n-----END KEY-----"
	got = Forms(key)
	if !slices.Contains(got, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC") {
		t.Errorf("Forms lacks a line of a multi-line secret: %q", got)
	}
	if slices.Contains(got, "short") {
		t.Errorf("Forms lists a line too short to be told from ordinary output: %q", got)
	}
}
