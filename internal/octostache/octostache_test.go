package octostache

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testVars is the variable set most tests evaluate against.
var testVars = Vars{
	"Name":                                   "web",
	"Octopus.Environment.Name":               "Production",
	"Octopus.Action[Deploy web].Output.Port": "8080",
	"Octopus.Action[Deploy web].Name":        "Deploy web",
	"Octopus.Action[Migrate db].Name":        "Migrate db",
	"Step":                                   "Deploy web",
	"Empty":                                  "",
	"Yes":                                    "True",
	"No":                                     "no",
	"Zero":                                   "0",
	"Roles":                                  "web, db ,cache",
	"Greeting":                               "Hello #{Name}",
	"Nested":                                 "<#{Greeting}>",
	"Path":                                   "/srv/acme/#{Octopus.Environment.Name | ToLower}",
	"Unicode":                                "naïve café ☕",
	"Escaped":                                "##{Name}",
	"Text":                                   "  padded  ",
	"Broken":                                 "#{if Name}never closed",
	"Spaced Name":                            "spaced",
	"Index":                                  "web",
	"Servers[web].Host":                      "10.0.0.1",
	"Servers[db].Host":                       "10.0.0.2",
	"Servers[web].Port":                      "80",
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty template", "", ""},
		{"only text", "plain text, no expressions", "plain text, no expressions"},
		{"text with lone hashes", "# comment #1 and a # at the end #", "# comment #1 and a # at the end #"},
		{"simple", "#{Name}", "web"},
		{"in text", "app-#{Name}.conf", "app-web.conf"},
		{"adjacent", "#{Name}#{Name}-#{Name}", "webweb-web"},
		{"case-insensitive", "#{NAME} #{octopus.environment.name}", "web Production"},
		{"dotted name", "/srv/acme/#{Octopus.Environment.Name}", "/srv/acme/Production"},
		{"literal index", "#{Octopus.Action[Deploy web].Output.Port}", "8080"},
		{"computed index", "#{Octopus.Action[#{Step}].Output.Port}", "8080"},
		{"computed index, missing inner", "#{Octopus.Action[#{Nope}].Output.Port}", "#{Octopus.Action[#{Nope}].Output.Port}"},
		{"computed index, missing outer", "#{Octopus.Action[#{Name}].Output.Port}", "#{Octopus.Action[#{Name}].Output.Port}"},
		{"space in name", "#{Spaced Name}", "spaced"},
		{"spaces around name", "#{  Name  }", "web"},
		{"unknown stays", "#{Missing}", "#{Missing}"},
		{"unknown stays with spacing", "a #{ Missing.Thing }b", "a #{Missing.Thing}b"},
		{"empty value", "[#{Empty}]", "[]"},
		{"unicode value", "#{Unicode}", "naïve café ☕"},
		{"unicode text", "ünïcödé #{Name} ☃", "ünïcödé web ☃"},
		{"recursive value", "#{Greeting}!", "Hello web!"},
		{"recursive two levels", "#{Nested}", "<Hello web>"},
		{"recursive with filter", "#{Path}", "/srv/acme/production"},
		{"escape", "##{Name}", "#{Name}"},
		{"escape then expression", "##{Name} is #{Name}", "#{Name} is web"},
		{"triple hash", "###{Name}", "#web"},
		{"escape in value", "#{Escaped}", "#{Name}"},
		{"malformed value used as is", "#{Broken}", "#{if Name}never closed"},

		{"hash at end", "#{Name}#", "web#"},
		{"stray close brace", "} #{Name} }", "} web }"},

		{"filter", "#{Name | ToUpper}", "WEB"},
		{"filter no spaces", "#{Name|ToUpper}", "WEB"},
		{"filter case-insensitive", "#{Name | toupper}", "WEB"},
		{"filter chain", "#{Text | Trim | ToUpper}", "PADDED"},
		{"filter on unknown", "#{Missing | ToUpper}", "#{Missing | ToUpper}"},
		{"unknown filter", "#{Name | Bazooka}", "#{Name | Bazooka}"},
		{"unknown filter with args", "#{Name | Bazooka 6}", "#{Name | Bazooka \"6\"}"},
		{"filter arg from variable", "#{Name | Replace #{Name} site}", "site"},
		{"filter args adjacent", "#{Roles | Replace #{Zero}#{Name}}", "web, db ,cache"},
		{"filter arg unknown variable", "#{Name | Append #{Missing}}", "web#{Missing}"},
		{"escaped quotes", `#{Name | Replace \"w\" \"W\"}`, "Web"},

		{"if true", "#{if Yes}on#{/if}", "on"},
		{"if false", "#{if No}on#{/if}", ""},
		{"if zero", "#{if Zero}on#{else}off#{/if}", "off"},
		{"if empty", "#{if Empty}on#{else}off#{/if}", "off"},
		{"if unknown", "#{if Missing}on#{else}off#{/if}", "off"},
		{"if any text", "#{if Name}on#{/if}", "on"},
		{"if equals", `#{if Name == "web"}yes#{else}no#{/if}`, "yes"},
		{"if equals is case-sensitive", `#{if Name == "WEB"}yes#{else}no#{/if}`, "no"},
		{"if not equals", `#{if Name != "db"}yes#{/if}`, "yes"},
		{"if equals variable", "#{if Name == Index}same#{/if}", "same"},
		{"if not equals variable", "#{if Name != Step}differ#{/if}", "differ"},
		{"if unknown equals empty", `#{if Missing == ""}empty#{/if}`, "empty"},
		{"if escaped quotes", `#{if Name == \"web\"}yes#{/if}`, "yes"},
		{"if leading space", "#{ if Yes }on#{/if}", "on"},
		{"if keyword case", "#{IF Yes}on#{/IF}", "on"},
		{"if computed index", `#{if Octopus.Action[#{Step}].Output.Port == "8080"}open#{/if}`, "open"},
		{"unless", "#{unless No}shown#{/unless}", "shown"},
		{"unless else", "#{unless Yes}a#{else}b#{/unless}", "b"},
		{"nested if", "#{if Yes}a#{if No}b#{else}c#{/if}d#{/if}", "acd"},
		{"escape inside if", "#{if Yes}##{Name}#{/if}", "#{Name}"},
		{"escape inside else", "#{if No}x#{else}##{Name} #{Name}#{/if}", "#{Name} web"},
		{"if variable named if-something", "#{iffy}", "#{iffy}"},
		{"else as part of name", "#{else thing}", "#{else thing}"},

		{"each comma list", "#{each r in Roles}[#{r}]#{/each}", "[web][ db ][cache]"},
		{"each specials", "#{each r in Roles}#{Octopus.Template.Each.Index}:#{r}#{if Octopus.Template.Each.First} first#{/if}#{if Octopus.Template.Each.Last} last#{/if};#{/each}",
			"0:web first;1: db ;2:cache last;"},
		{"each first last strings", "#{each r in Roles}#{Octopus.Template.Each.First}/#{Octopus.Template.Each.Last} #{/each}", "True/False False/False False/True "},
		{"each collection", "#{each s in Servers}#{s}=#{s.Host} #{/each}", "db=10.0.0.2 web=10.0.0.1 "},
		{"each collection missing prop", "#{each s in Servers}#{s.Port}.#{/each}", "#{s.Port}.80."},
		{"each octopus actions", "#{each a in Octopus.Action}#{a.Name};#{/each}", "Deploy web;Migrate db;"},
		{"each empty value", "Ok#{each x in Empty}#{x}#{/each}", "Ok"},
		{"each unknown list", "Ok#{each x in Missing}#{x}#{/each}", "Ok"},
		{"each nested", "#{each s in Servers}#{each r in Roles}#{s}.#{r} #{/each}#{/each}",
			"db.web db. db  db.cache web.web web. db  web.cache "},
		{"each loop var shadows", "#{each Name in Roles}#{Name} #{/each}#{Name}", "web  db  cache web"},
		{"each with computed index on item", "#{each s in Servers}#{Servers[#{s}].Host} #{/each}", "10.0.0.2 10.0.0.1 "},
		{"each with filter on item", "#{each r in Roles}#{r | ToUpper}#{/each}", "WEB DB CACHE"},
		{"special outside loop is unknown", "#{Octopus.Template.Each.Index}", "#{Octopus.Template.Each.Index}"},
		{"each keyword case", "#{EACH r IN Roles}#{r}#{/EACH}", "web db cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Evaluate(tt.src, testVars)
			if err != nil {
				t.Fatalf("Evaluate(%q): %v", tt.src, err)
			}
			if got != tt.want {
				t.Errorf("Evaluate(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestEvaluateLookups(t *testing.T) {
	// The same template against Vars and NewLookup, with names whose case
	// differs from the template's.
	vars := map[string]string{
		"octopus.environment.NAME": "Staging",
		"List[b].x":                "2",
		"LIST[a].x":                "1",
		"list[a].y":                "ignored",
	}
	src := "#{Octopus.Environment.Name} #{each i in List}#{i}=#{i.x} #{/each}"
	want := "Staging a=1 b=2 "
	for name, l := range map[string]Lookup{"Vars": Vars(vars), "NewLookup": NewLookup(vars)} {
		t.Run(name, func(t *testing.T) {
			got, err := Evaluate(src, l)
			if err != nil || got != want {
				t.Errorf("got %q, %v; want %q", got, err, want)
			}
		})
	}
}

func TestEvaluateNilLookup(t *testing.T) {
	got, err := Evaluate("a #{B} #{if C}c#{/if}", nil)
	if err != nil || got != "a #{B} " {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestCollectionItemValue(t *testing.T) {
	// Where List[key] is itself a variable, the item is its value.
	vars := Vars{"Pkg[a]": "alpha #{Name}", "Pkg[a].V": "1", "Pkg[b].V": "2", "Name": "x"}
	got, err := Evaluate("#{each p in Pkg}#{p}:#{p.V} #{/each}", vars)
	if want := "alpha x:1 b:2 "; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	// Keys may hold brackets.
	vars = Vars{"Package[containers[0]].Name": "A", "Package[containers[1]].Name": "B"}
	got, err = Evaluate("#{each p in Package}#{p}: #{p.Name} #{/each}", vars)
	if want := "containers[0]: A containers[1]: B "; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestValueUsesLoopScope(t *testing.T) {
	// A value is evaluated where it is used, so it sees the loop variable.
	vars := Vars{"Roles": "a,b", "Line": "role=#{r}"}
	got, err := Evaluate("#{each r in Roles}#{Line};#{/each}", vars)
	if want := "role=a;role=b;"; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, src         string
		offset, line, col int
		msg               string
	}{
		{"if never closed", "abc\n  #{if Name}x", 6, 2, 3, "#{if} is never closed"},
		{"each never closed", "#{each a in B}", 0, 1, 1, "#{each} is never closed"},
		{"stray end", "ok #{/if}", 3, 1, 4, "#{/if} without a matching #{if}"},
		{"mismatched end", "#{if A}#{/each}", 7, 1, 8, "#{/each} closes the #{if} opened at 1:1"},
		{"else outside", "x #{else} y", 2, 1, 3, "#{else} outside #{if} or #{unless}"},
		{"else in each", "#{each a in B}#{else}#{/each}", 14, 1, 15, "#{else} directly inside #{each}"},
		{"two elses", "#{if A}#{else}#{else}#{/if}", 14, 1, 15, "second #{else}"},
		{"if without condition", "#{if}x#{/if}", 4, 1, 5, "malformed #{if}"},
		{"if with bad comparison", "#{if A ==}x#{/if}", 9, 1, 10, "malformed #{if}"},
		{"each without in", "#{each a}#{/each}", 8, 1, 9, "malformed #{each}"},
		{"column counts characters", "☃☃ #{/unless}", 7, 1, 4, "#{/unless}"},
		{"nested unclosed", "#{if A}#{unless B}#{/if}", 18, 1, 19, "#{/if} closes the #{unless}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Evaluate(tt.src, testVars)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Evaluate(%q) = %v, want a *SyntaxError", tt.src, err)
			}
			if se.Offset != tt.offset || se.Line != tt.line || se.Column != tt.col {
				t.Errorf("at offset %d (%d:%d), want %d (%d:%d)", se.Offset, se.Line, se.Column, tt.offset, tt.line, tt.col)
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", se.Msg, tt.msg)
			}
			if !strings.HasPrefix(se.Error(), strconv.Itoa(tt.line)+":"+strconv.Itoa(tt.col)+": ") {
				t.Errorf("Error() = %q does not start with the position", se.Error())
			}
		})
	}
}

func TestCycles(t *testing.T) {
	tests := []struct {
		name  string
		vars  Vars
		src   string
		chain []string
	}{
		{"self", Vars{"A": "x#{A}"}, "#{A}", []string{"A", "A"}},
		{"two steps", Vars{"A": "#{B}", "B": "#{A}"}, "#{A}", []string{"A", "B", "A"}},
		{"three steps from the middle", Vars{"A": "#{B}", "B": "#{C}", "C": "#{b}"}, "#{A}", []string{"B", "C", "b"}},
		{"through a filter", Vars{"A": "#{B | ToUpper}", "B": "#{A}"}, "#{A}", []string{"A", "B", "A"}},
		{"through a filter argument", Vars{"A": "#{X | Append #{A}}", "X": "x"}, "#{A}", []string{"A", "A"}},
		{"through an index", Vars{"A": "#{Map[#{A}]}", "Map[x]": "y"}, "#{A}", []string{"A", "A"}},
		{"through a condition", Vars{"A": "#{if A}t#{/if}"}, "#{A}", []string{"A", "A"}},
		{"through an each", Vars{"A": "#{each x in A}#{x}#{/each}"}, "#{A}", []string{"A", "A"}},
		{"in a condition", Vars{"A": "#{A}"}, "#{if A}t#{/if}", []string{"A", "A"}},
		{"case-insensitive", Vars{"A": "#{a}"}, "#{A}", []string{"A", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Evaluate(tt.src, tt.vars)
			var ce *CycleError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *CycleError", err)
			}
			if strings.Join(ce.Chain, ",") != strings.Join(tt.chain, ",") {
				t.Errorf("chain %q, want %q", ce.Chain, tt.chain)
			}
			if !strings.Contains(err.Error(), `"`+tt.chain[0]+`"`) {
				t.Errorf("error %q does not name %q", err, tt.chain[0])
			}
		})
	}
}

func TestNoCycleForRepeatedUse(t *testing.T) {
	// A variable used twice, or by two others, is not a cycle.
	vars := Vars{"A": "#{B}#{B}", "B": "#{C}-#{C}", "C": "c"}
	got, err := Evaluate("#{A}#{B}", vars)
	if want := "c-cc-cc-c"; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestLimits(t *testing.T) {
	chain := Vars{}
	for i := range 40 {
		chain["V"+strconv.Itoa(i)] = "#{V" + strconv.Itoa(i+1) + "}"
	}
	chain["V40"] = "end"
	doubling := Vars{"L0": "ab"}
	for i := 1; i <= 30; i++ {
		doubling["L"+strconv.Itoa(i)] = "#{L" + strconv.Itoa(i-1) + "}#{L" + strconv.Itoa(i-1) + "}"
	}
	loops := strings.Repeat("#{each a in List}", 30) + strings.Repeat("#{/each}", 30)
	tests := []struct {
		name  string
		vars  Vars
		src   string
		opts  *Options
		limit string
	}{
		{"depth", chain, "#{V0}", nil, "depth"},
		{"depth set", chain, "#{V30}", &Options{MaxDepth: 5}, "depth"},
		{"output", doubling, "#{L30}", &Options{MaxOutput: 1 << 20}, "output"},
		{"steps", Vars{"List": "a,b,c"}, loops, &Options{MaxSteps: 100_000}, "steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tmpl.Evaluate(tt.vars, tt.opts)
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != tt.limit {
				t.Fatalf("got %v, want a %s *LimitError", err, tt.limit)
			}
		})
	}
	// Within the default depth the chain resolves.
	if got, err := Evaluate("#{V10}", chain); err != nil || got != "end" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestOptionsValidate(t *testing.T) {
	tmpl, _ := Parse("#{A}")
	if _, err := tmpl.Evaluate(Vars{}, &Options{MaxSteps: -1}); err == nil || !strings.Contains(err.Error(), "MaxSteps") {
		t.Errorf("negative MaxSteps: %v", err)
	}
}

func TestTemplateReuse(t *testing.T) {
	tmpl, err := Parse("#{Name}-#{ | NowDateUtc yyyy}")
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{Now: func() time.Time { return time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC) }}
	for _, v := range []string{"a", "b"} {
		got, err := tmpl.Evaluate(Vars{"Name": v}, opts)
		if err != nil || got != v+"-2031" {
			t.Errorf("got %q, %v", got, err)
		}
	}
	if tmpl.String() != "#{Name}-#{ | NowDateUtc yyyy}" {
		t.Errorf("String() = %q", tmpl.String())
	}
}

func TestTruthy(t *testing.T) {
	for s, want := range map[string]bool{
		"": false, "0": false, "false": false, "False": false, "FALSE": false, "no": false, "No": false,
		" false ": false, " no": false,
		"true": true, "True": true, "1": true, "yes": true, "anything": true, " ": true, "00": true, " 0": true,
	} {
		if got := Truthy(s); got != want {
			t.Errorf("Truthy(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestConditionExpression(t *testing.T) {
	// How a step's condition_expression is judged.
	for src, want := range map[string]bool{
		"#{RunMigrations}":  true,
		"#{SkipMigrations}": false,
		`#{if Octopus.Environment.Name == "Production"}true#{/if}`: true,
		`#{unless RunMigrations}true#{/unless}`:                    false,
	} {
		got, err := Evaluate(src, Vars{"RunMigrations": "True", "SkipMigrations": "False", "Octopus.Environment.Name": "Production"})
		if err != nil || Truthy(got) != want {
			t.Errorf("%s: %q, %v; want truthy %v", src, got, err, want)
		}
	}
}

// A "#{" that starts nothing readable is an error, as in Octostache by
// default: Evaluate gives the template back unchanged with it. Read
// leniently, it is text and the rest is evaluated.
func TestEvaluateGivesBackWhatDoesNotParse(t *testing.T) {
	for _, tt := range []struct{ name, src, lenient string }{
		{"unclosed at end", "abc #{", "abc #{"},
		{"unclosed with name", "abc #{Name", "abc #{Name"},
		{"unclosed then expression", "#{oops #{Name}", "#{oops web"},
		{"not a name", "#{a+b} #{Name}", "#{a+b} web"},
		{"empty braces", "#{} #{ }", "#{} #{ }"},
		{"unknown end tag", "#{/foo} #{Name}", "#{/foo} web"},
		{"stray end", "#{Name}#{/if}", "web#{/if}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Evaluate(tt.src, testVars)
			var syntax *SyntaxError
			if !errors.As(err, &syntax) || got != tt.src {
				t.Errorf("Evaluate(%q) = %q, %v; want the template unchanged and a *SyntaxError", tt.src, got, err)
			}
			if got, err := EvaluateLenient(tt.src, testVars); err != nil || got != tt.lenient {
				t.Errorf("EvaluateLenient(%q) = %q, %v; want %q", tt.src, got, err, tt.lenient)
			}
		})
	}
}
