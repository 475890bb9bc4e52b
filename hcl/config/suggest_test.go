package config

import "testing"

func TestNearest(t *testing.T) {
	tests := []struct {
		given      string
		candidates []string
		want       string
	}{
		{"Tset", []string{"Development", "Test"}, "Test"},
		{"Prodution", []string{"Production", "Staging"}, "Production"},
		{"test", []string{"Test"}, "Test"},
		{"Gold", []string{"Silver"}, ""},
		{"recipts", []string{"releases", "receipts"}, "receipts"},
		{"abc", nil, ""},
		{"Dev", []string{"Development"}, ""},
	}
	for _, tt := range tests {
		if got := nearest(tt.given, tt.candidates); got != tt.want {
			t.Errorf("nearest(%q, %q) = %q, want %q", tt.given, tt.candidates, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"Tset", "Test", 1}, {"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
