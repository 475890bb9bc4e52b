package edit

import "testing"

func TestRemovePeer(t *testing.T) {
	src := `space "devtest" {}

# prod runs production.
peer "prod" {
  public_key = file("keys/prod.asc")
  accepts    = ["receipts"]
}

peer "qa" {
  public_key = file("keys/qa.asc")
  accepts    = ["receipts"]
}
`
	out, ok, err := RemovePeer("space.hcl", []byte(src), "PROD")
	if err != nil || !ok {
		t.Fatalf("RemovePeer: %v %v", ok, err)
	}
	want := `space "devtest" {}

peer "qa" {
  public_key = file("keys/qa.asc")
  accepts    = ["receipts"]
}
`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	out, ok, err = RemovePeer("space.hcl", out, "qa")
	if err != nil || !ok || string(out) != "space \"devtest\" {}\n" {
		t.Errorf("removing the last peer: %q %v %v", out, ok, err)
	}
	if _, ok, err := RemovePeer("space.hcl", []byte(src), "nope"); ok || err != nil {
		t.Errorf("a peer not there: %v %v", ok, err)
	}
	if _, _, err := RemovePeer("space.hcl", []byte("peer {"), "prod"); err == nil {
		t.Error("a file that does not parse was edited")
	}
}
