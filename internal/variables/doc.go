// Package variables owns variable resolution: given a project's snapshotted
// variables and variable templates, the deployment's context (environment,
// tenant and its tags, channel) and the built-in values of the deployment,
// it decides which value every variable name has, as Octopus does.
//
// Resolution, for one variable name (names ignore case):
//
//  1. A value applies when, in every dimension it is scoped on, the
//     deployment matches one of the names listed: values in one dimension
//     OR, dimensions AND. Environment, tenant and channel match by name,
//     ignoring case; a tenant tag matches when the deployment's tenant
//     carries it; a step matches only while that step runs (Set.ForStep).
//     An unscoped value always applies; a value scoped by tenant or tenant
//     tag never applies to a deployment without a tenant.
//  2. Of the values that apply, the one of the highest specificity wins
//     (config.Scope.Specificity, the one implementation of Octopus
//     precedence: more dimensions beat fewer, then step > tenant > tenant
//     tag > environment > channel).
//  3. At equal specificity, a value the deploying Space supplies
//     (Options.Extra, its template values) beats a template's fallback
//     (its default, or "" for an optional template), which beats a
//     project value.
//  4. Two values still level tie: Resolve returns a *TieError rather than
//     pick one (validate refuses such configurations; equal values do not
//     tie).
//  5. Built-in variables (Octopus.Environment.Name and the like) win over
//     everything: a project variable of a built-in's name is ignored, as
//     Octopus computes these names and a project cannot redefine them.
//
// A sensitive variable's winning value is decrypted with Options.Decrypt,
// and only the winner; without Decrypt it resolves to Masked. Values are
// returned raw: the #{...} inside them is substituted later, by the
// octostache package, through the Set's Get and Names.
//
// A variable template asks for a deliberate value per environment (or
// tenant, or both): CheckTemplates refuses a deployment that lacks one, and
// Resolve makes a template's value, default or "" available by its name.
//
// Deciding which steps run, running them and masking their output belong
// to the deploy package; decryption keys to keys.
package variables
