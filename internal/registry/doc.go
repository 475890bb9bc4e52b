// Package registry keeps package bytes in an OCI registry (distribution,
// Harbor, Artifactory, ECR, GHCR, Zot): the feeds packages come from, the
// Space's own store when it lives on a registry, and the target zone's
// registry that import publishes to.
//
// A package is an OCI artifact: the repository <location path>/<package id
// in lower case>, tagged with its version ("+" spelled "_", which tags
// cannot hold), whose manifest has exactly one layer, the package's bytes.
// The layer's digest is their SHA-256, the same hash a release records, so
// the registry's integrity check and zonectl's are one. Artifacts pushed by
// other tools (a Helm chart, an ORAS file) are packages too when they have
// one layer.
//
// oras-go does the registry protocol, authentication and retries of
// idempotent requests. Uploads are chunked here (oras-go uploads a blob
// in one request): a chunk that fails is sent again from where the
// registry says the upload stands, or the upload starts again when it
// cannot say (distribution drops an upload whose chunk broke off), and
// memory stays bounded whatever the size. A download that breaks off asks
// for the rest with a range request. Credentials come from the Docker configuration as `docker login`
// writes it (DOCKER_CONFIG or ~/.docker/config.json, credential helpers
// included), never from the Space's files.
package registry
