package registry

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/zonectl/zonectl/internal/registrytest"
)

// A connection that breaks in the middle of an upload's chunk: the push
// asks the registry where the upload stands and goes on from there, or,
// as distribution answers for an upload whose chunk broke, starts it
// again; a download that breaks off resumes with a range request. Between
// client and registry runs a proxy that breaks the first PATCH's body
// after 3 MiB have reached the registry, and cuts the first blob GET
// after 1 MiB.
func TestTransfersResumeAfterABrokenConnection(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{})
	target, _ := url.Parse("http://" + reg.Host)
	var cutPatch, cutGet atomic.Bool
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the registry names upload locations by the host asked
	}}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPatch && cutPatch.CompareAndSwap(false, true):
			// The registry gets 3 MiB of the chunk, then the body breaks.
			r.Body = io.NopCloser(io.MultiReader(io.LimitReader(r.Body, 3<<20), failing{io.ErrUnexpectedEOF}))
			r.ContentLength = -1

		case r.Method == http.MethodGet && isBlob(r.URL.Path) && r.Header.Get("Range") == "" && cutGet.CompareAndSwap(false, true):
			cutAfter(w, r, proxy, 1<<20)
			return
		}
		proxy.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	c := client(t, &registrytest.Registry{Host: ln.Addr().String(), PlainHTTP: true}, "acme")
	data := bytes.Repeat([]byte("resumable "), 8<<20/10)
	a, _, err := c.Push(context.Background(), "web", "1.0.0", bytes.NewReader(data), sum(data), int64(len(data)), PushOptions{})
	if err != nil {
		t.Fatalf("push through a connection cut once: %v", err)
	}
	if !cutPatch.Load() {
		t.Fatal("the proxy cut no upload: the test proved nothing")
	}

	rc, err := c.Fetch(context.Background(), "web", a.Blob)
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("fetched %d of %d bytes through a cut connection: %v", len(back), len(data), err)
	}
	if !cutGet.Load() {
		t.Fatal("the proxy cut no download: the test proved nothing")
	}
}

func isBlob(path string) bool { return bytes.Contains([]byte(path), []byte("/blobs/sha256:")) }

// cut drops the client's connection without an answer.
func cut(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// cutAfter serves r through proxy but drops the connection once n bytes
// of the body have gone out.
func cutAfter(w http.ResponseWriter, r *http.Request, proxy http.Handler, n int64) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	rec := &limitedWriter{w: buf, left: n}
	resp := &hijackedResponse{header: http.Header{}, w: rec}
	proxy.ServeHTTP(resp, r)
	buf.Flush()
}

type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, io.ErrClosedPipe
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}

// hijackedResponse writes an HTTP/1.1 response by hand on a hijacked
// connection, so that it can stop in the middle of the body.
type hijackedResponse struct {
	header http.Header
	w      io.Writer
	wrote  bool
}

func (h *hijackedResponse) Header() http.Header { return h.header }

func (h *hijackedResponse) WriteHeader(code int) {
	if h.wrote {
		return
	}
	h.wrote = true
	fmt.Fprintf(h.w, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	h.header.Write(h.w)
	io.WriteString(h.w, "\r\n")
}

func (h *hijackedResponse) Write(p []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.w.Write(p)
}
