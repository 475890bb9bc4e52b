// Package octostache owns Octopus Deploy's variable substitution syntax,
// Octostache: reading templates and evaluating them against a Lookup of
// variables. zonectl substitutes with it into step scripts, into the files
// a step names in `substitute`, into paths such as
// "/srv/acme/#{Octopus.Environment.Name}" and into a step's
// condition_expression, whose result Truthy judges.
//
// It does not decide what the variables are: scoping, precedence,
// built-in Octopus.* values and the masking of sensitive values belong to
// the packages that resolve variables and run deployments. It never
// prints.
//
// # Syntax
//
//	#{Name}                      a variable; names are case-insensitive
//	#{Octopus.Action[Web].Port}  dots and literal indexes are part of the name
//	#{Output[#{Step}].Path}      a computed index: Step first, then Output[value].Path
//	#{Octopus.Action[*].Name}    the first of a collection
//	#{Config.Hello}              a property of a JSON-valued variable (also Config[Hello])
//	#{Name | ToUpper | Trim}     filters, applied left to right
//	#{Name | Replace "a+" "b"}   filter arguments: "quoted", bare, or #{Other}
//	#{ | NowDate "yyyy-MM-dd"}   a filter with no input
//	#{Name | null}               the template has no value (ErrNull)
//	#{calc A * (B + 2)}          arithmetic: + - * /, parentheses, {Var}
//	##{Name}                     escaped: the literal text #{Name}
//	#{if Name}...#{elseif Other}...#{else}...#{/if}
//	#{if Name | ToLower == "yes"}...#{/if}   == and != between a variable
//	                                         with filters and "text" or another
//	#{unless Name}...#{else}...#{/unless}
//	#{each item in List}...#{/each}       #{item}, #{item.Prop}, Octopus.Template.Each.*
//
// A name is letters, digits, spaces, _ - : / ~ ( ) @, dots, and
// [indexes]. Spaces around a name and around filters are ignored. Block
// keywords are case-insensitive, but #{elseif} is written exactly so,
// followed by one space.
//
// # Semantics
//
// These follow Octostache (OctopusDeploy/Octostache) unless said
// otherwise; docs/releases.md lists where they differ and why. The
// reference's own test suite runs against Evaluate as data
// (testdata/reference).
//
//   - An expression that does not resolve is written back as Octostache
//     writes it: an unknown variable (#{Missing}), a computed index whose
//     inner variable is unknown, an unknown filter, a filter given
//     arguments it cannot use (#{X | Substring 9 1} on a shorter value). The
//     text is regenerated, not copied: names trimmed, " | " between
//     filters, every literal argument quoted (#{X | Match a b} is written
//     #{X | Match "a" "b"}). Filters see an unknown variable as absent, so
//     a few still produce something: #{Missing | NowDate}.
//   - Parsing is strict, as Octostache's default: a "#{" that starts
//     nothing readable (#{Foo at the end, #{a+b}, #{}), blocks that do not
//     balance and block tags that cannot be read are a *SyntaxError, and
//     Evaluate gives the template back unchanged with it. EvaluateLenient
//     reads them as text and evaluates the rest. Octostache escapes are
//     reproduced exactly: "##{" is "#{", and "###{X}" is "#" followed by
//     X's value.
//   - Variable values may hold expressions; they are evaluated when used,
//     in the scope of the #{each} loops around the use. A variable whose
//     value leads back to itself is a *CycleError naming the chain
//     ([A B A]), never a hang; a value that does not parse is used as it
//     is. Options bound the depth of values within values, the bytes
//     written and the work done (*LimitError).
//   - A variable whose value is a JSON object or array (read as Newtonsoft
//     reads it: unquoted names and single quotes allowed) can be walked
//     into when no variable has the full name: a property or element, null
//     or missing as "", booleans True and False, objects and arrays as
//     compact JSON.
//   - Conditions: #{if X} is true when X's value is Truthy: anything but
//     "", "0", "false" or "no" in any case. An unknown variable is "".
//     == and != compare exactly, with case. A side whose filters do not
//     resolve leaves the whole block written back. #{elseif} is an #{if}
//     in the #{else} of the one before.
//   - EvaluateTruthy judges a template as Octopus judges a step's run
//     condition: false, with an *UnresolvedError, when any expression in it
//     does not resolve; "#{Missing}" is never true.
//   - #{each item in List} iterates the keys of the collection List[key]...
//     when Lookup.Names finds variables of that form, in the order Names
//     lists them (variables.Set, which the deployer uses: declaration
//     order, as in Octopus; Vars and NewLookup: sorted without regard to
//     case). #{item} is then the key (or List[key]'s value when that
//     variable exists) and #{item.Prop} is List[key].Prop. Otherwise it
//     iterates List's JSON array or object (item.Key, item.Value), or its
//     value split at commas, each part as it is, so an empty value is one
//     empty item and an unknown List none. Inside, the innermost loop
//     defines Octopus.Template.Each.First and .Last ("True" or "False") and
//     .Index (from "0").
//   - #{calc} computes in doubles and writes the result as .NET writes a
//     double; a variable that is not a number leaves it written back.
//
// # Filters
//
// Filter names are case-insensitive. Lengths and positions count
// characters (Unicode code points; .NET counts UTF-16 units).
//
//	ToLower ToUpper Trim [start|end] Truncate n [suffix] (suffix "..." unless given)
//	Substring length | Substring start length   cut at the end of the input
//	Replace pattern [replacement]   pattern is a Go (RE2) regular expression
//	                                where Octostache uses .NET's; the
//	                                replacement uses .NET's $1 ${name} $$ $&
//	Match pattern  StartsWith s  EndsWith s  Contains s   "true" or "false"
//	Append s...  Prepend s...  Indent [n | i/s | text | first rest]
//	ToBase64 [utf8|unicode]  FromBase64 [utf8|unicode]
//	HtmlEscape XmlEscape JsonEscape UriEscape UriDataEscape
//	YamlSingleQuoteEscape YamlDoubleQuoteEscape
//	PropertiesKeyEscape PropertiesValueEscape
//	MD5 SHA1 SHA256 SHA384 SHA512 [size] [utf8|unicode|base64]
//	Format fmt | Format type fmt    .NET numeric and date formats
//	NowDate [fmt]  NowDateUtc [fmt] the clock in Options, default format "O"
//	AddHours n  AddDays n           the date moved, as "O", keeping its zone
//	Markdown  MarkdownToHtml        HTML as Octostache's Markdig writes it
//	UriPart part                    AbsoluteUri, Host, Port, Query, Path...
//	                                of the input read as .NET's Uri
//	VersionMajor VersionMinor VersionPatch VersionRevision VersionPreRelease
//	VersionPreReleasePrefix VersionPreReleaseCounter VersionMetadata
//	                                parts of an Octopus version (1.2.3-beta.1+meta)
//
// JsonEscape also escapes control characters other than \r \n \t as
// \u00XX, so its output is always valid inside a JSON string. Format uses
// the invariant culture, where currency is "¤": write "$#,##0.00" for
// dollars. Custom numeric formats support 0 # . , % ‰ literals and ";"
// sections but not exponents. UriPart reads URIs as .NET does on Linux,
// where "/path" is a relative URI.
package octostache
