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
//	#{Name | ToUpper | Trim}     filters, applied left to right
//	#{Name | Replace "a+" "b"}   filter arguments: "quoted", bare, or #{Other}
//	#{ | NowDate "yyyy-MM-dd"}   a filter with no input
//	##{Name}                     escaped: the literal text #{Name}
//	#{if Name}...#{else}...#{/if}         also == "text", != "text", == OtherName
//	#{unless Name}...#{/unless}           #{else} allowed here too
//	#{each item in List}...#{/each}       #{item}, #{item.Prop}, Octopus.Template.Each.*
//
// A name is letters, digits, spaces, _ - : / ~ ( ), dots, and [indexes];
// it does not span lines. Spaces around a name and around filters are
// ignored. Block keywords are case-insensitive.
//
// # Semantics
//
// These follow Octostache (OctopusDeploy/Octostache) unless said otherwise.
//
//   - An expression that does not resolve is output exactly as written: an
//     unknown variable (#{Missing}), a computed index whose inner variable
//     is unknown (#{A[#{Missing}]}), an unknown filter, a filter given
//     arguments it cannot use (#{X | Substring 9} on a shorter value).
//     Filters see an unknown variable as absent, so a few still produce
//     something: #{Missing | NowDate}, #{Missing | Append "x"}.
//   - Text that only looks like an expression is kept as text: an unclosed
//     "#{", or one around characters no name may hold (#{a+b}). Octostache
//     escapes are reproduced exactly: "##{" is "#{", and "###{X}" is "#"
//     followed by X's value.
//   - Variable values may hold expressions; they are evaluated when used,
//     in the scope of the #{each} loops around the use. A variable whose
//     value leads back to itself is a *CycleError naming the chain
//     ([A B A]), never a hang; a value that does not parse (say, an
//     unclosed #{if}) is used as it is. Options bound the depth of values
//     within values, the bytes written and the work done (*LimitError).
//   - Conditions: #{if X} is true when X's value is Truthy: anything but
//     "", "0", "false" or "no" in any case. An unknown variable is "", so
//     false. == and != compare exactly, with case.
//   - #{each item in List} iterates the keys of the collection List[key]...
//     when Lookup.Names finds variables of that form, in the order Names
//     lists them (Vars and NewLookup: sorted without regard to case;
//     Octopus: declaration order).
//     #{item} is then the key (or List[key]'s value when that variable
//     exists) and #{item.Prop} is List[key].Prop. Otherwise it iterates
//     List's value split at commas. Unlike Octostache, the parts are
//     trimmed of spaces, and an empty or unknown List is no iterations (in
//     Octostache an empty value is one empty iteration). Inside, the
//     innermost loop defines Octopus.Template.Each.First and .Last ("True"
//     or "False") and .Index (from "0").
//   - Blocks must balance: an #{if} never closed, a stray or mismatched
//     #{/if}, an #{else} outside #{if} or #{unless}, and a block tag that
//     cannot be read (#{if}, #{each x}) are a *SyntaxError with the line and
//     column, where Octostache returns the whole template unevaluated.
//
// # Filters
//
// Filter names are case-insensitive. Lengths and positions count
// characters (Unicode code points; .NET counts UTF-16 units).
//
//	ToLower ToUpper Trim [start|end] Truncate n (adds "...")
//	Substring length | Substring start length
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
//
// JsonEscape also escapes control characters other than \r \n \t as
// \u00XX, so its output is always valid inside a JSON string. Format uses
// the invariant culture, where currency is "¤": write "$#,##0.00" for
// dollars. Custom numeric formats support 0 # . , % ‰ literals and ";"
// sections but not exponents. Markdown, MarkdownToHtml, UriPart and the
// Version* filters are not implemented, so expressions using them are left
// as written.
package octostache
