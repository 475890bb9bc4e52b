// Package config decodes a Space's HCL configuration and checks it.
//
// It works in three stages, each reporting hcl.Diagnostics and going on
// after an error so that one run reports every problem:
//
//  1. each file is parsed and its blocks decoded on their own against the
//     schema of the place it lives in (the Space root, projects/<slug>/ or
//     imports/<source>/), keeping the source range of everything it decodes;
//  2. the files are assembled into a Space, reporting misplaced blocks and
//     duplicate names (names are matched case-insensitively, as they are
//     across Spaces);
//  3. static checks: references between blocks, lifecycle phases, variable
//     values that would tie at resolution, templates and sensitive values.
//
// The package reads files through an fs.FS so a Space can be loaded from a
// work tree or from a Git tree alike. It knows nothing of keys, Git or
// deployments: checks that need those live with their owners, which take the
// decoded Space and add diagnostics of their own.
package config
