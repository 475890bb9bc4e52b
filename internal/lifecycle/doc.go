// Package lifecycle owns the rules of Octopus lifecycles: which environments
// a release may be deployed to, given the deployments it has had so far.
//
// It is pure: it takes a decoded lifecycle (hcl/config), the Space's
// environments and the history of one release of one project, and answers
// questions. It reads no files, runs nothing and prints nothing. Reading the
// ledger to build the history, deploying, promoting and showing the answers
// are its siblings' work (ledger, deploy, promote, dashboard, cmd).
//
// # Phases
//
// A lifecycle is a list of phases, in order. Each phase holds environments:
//
//   - A phase that names environments holds those, spelled as the Space
//     declares them (names are matched ignoring case everywhere, as they are
//     across Spaces).
//   - A phase that names none (a catch-all) holds every environment of the
//     Space that no other phase of the lifecycle names, earlier or later: a
//     later phase's environments are not the catch-all's. Its environments
//     come in the order of the list given to New, which for a Space is local
//     environments in declaration order, then remote ones (see
//     SpaceEnvironments). Should a lifecycle have two catch-alls (validate
//     does not forbid it), the first takes those environments and the others
//     hold none.
//   - A lifecycle with no phases is Octopus's default convention: one phase
//     per environment of the Space, named after it, in the order of the list
//     given to New, each requiring its environment. So "allows every
//     environment in the order they are declared" means the order
//     constrains: Test becomes deployable once Development has been reached.
//
// An environment that a lifecycle with phases does not hold is not
// deployable with that lifecycle. validate refuses an environment named by
// two phases; should it happen anyway, the environment belongs to the first
// phase that names it for deciding where it may be deployed, and counts in
// every phase naming it for completion. A phase may name an environment the
// Space does not declare (validate refuses that too): it is kept as written,
// counts like any other, and is never deployed automatically.
//
// # Completion
//
// A release reaches an environment when it has a successful deployment
// there. Failed, waiting and executing deployments do not count. A phase is
// complete for a release when:
//
//   - required = "all": every one of its environments has been reached (a
//     phase that holds no environments is complete at once);
//   - required = N: at least N of them have been reached; N = 0 makes the
//     phase optional, and an N larger than the phase (validate refuses it)
//     means all of them;
//   - required = "optional": at once.
//
// Note that the zero config.Required (not All, not Optional, Min 0) is
// "required = 0", that is optional; the decoder defaults a phase to "all".
//
// A phase is optional when it is complete at once ("optional" or 0). An
// optional phase never blocks: its environments are deployable once every
// earlier non-optional phase is complete, and so are those of the phase
// after it.
//
// # May a release be deployed to an environment?
//
// Check answers for a local environment, in this order:
//
//  1. an environment owned by another Space is never deployed here: a
//     release reaches it by promotion (CheckPromotion, Promotable);
//  2. an environment the release has already reached may always be
//     deployed to again, even if the lifecycle no longer holds it;
//  3. an environment that no phase holds is refused;
//  4. an environment is refused while any phase before its own is neither
//     optional nor complete; the refusal names the first such phase and what
//     it still needs.
//
// History only grows, and a phase once complete stays complete, so an
// environment once allowed stays allowed: a failed deployment can always be
// retried, because the rules that allowed the first attempt still hold.
//
// # Remote environments
//
// Phases may hold remote environments, owned by another Space. They are
// never deployed here, but a successful deployment there, reported back
// (later by receipts), reaches them like a local one and counts towards
// completing their phase. CheckPromotion applies rules 2–4 to a remote
// environment, and Promotable lists, by owning Space, every remote
// environment the rules allow now; those already reached stay listed, as
// promoting again is as harmless as redeploying.
//
// # Automatic deployments
//
// A phase's automatic environments are deployed as soon as a release becomes
// eligible for them: when the release is created, and after each successful
// deployment that completes a phase. Automatic lists the local automatic
// environments of every phase the rules allow now that the release has not
// reached yet. A failed automatic deployment has not reached its environment,
// so it is listed again the next time Automatic is asked; remote automatic
// environments are never listed.
//
// # Tenants
//
// Progression is tracked per tenant, as in Octopus: every question takes the
// tenant to answer for ("" for untenanted deployments), and only history
// entries of that tenant count (tenant names ignore case). Strictly so: an
// untenanted deployment does not count for any tenant, nor a tenant's for the
// untenanted release.
package lifecycle
