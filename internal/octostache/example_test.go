package octostache_test

import (
	"fmt"

	"github.com/zonectl/zonectl/internal/octostache"
)

func ExampleEvaluate() {
	vars := octostache.Vars{
		"Octopus.Environment.Name":             "Production",
		"Octopus.Action[Migrate].Output.Count": "3",
		"Servers":                              "web1,web2",
		"Root":                                 "/srv/acme/#{Octopus.Environment.Name | ToLower}",
	}
	out, err := octostache.Evaluate(`cd #{Root}
#{if Octopus.Action[Migrate].Output.Count != "0"}echo "ran #{Octopus.Action[Migrate].Output.Count} migrations"#{/if}
#{each s in Servers}restart #{s}#{unless Octopus.Template.Each.Last}; #{/unless}#{/each}
echo "##{Not.Substituted} and #{Unknown} stay as written"`, vars)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out)
	// Output:
	// cd /srv/acme/production
	// echo "ran 3 migrations"
	// restart web1; restart web2
	// echo "#{Not.Substituted} and #{Unknown} stay as written"
}

func ExampleTruthy() {
	out, _ := octostache.Evaluate("#{RunMigrations}", octostache.Vars{"RunMigrations": "False"})
	fmt.Println(octostache.Truthy(out))
	// Output: false
}

func ExampleReferences() {
	fmt.Println(octostache.References(`#{each a in Octopus.Action}#{a.Name}#{/each} #{Output[#{Step}] | ToUpper}`))
	// Output: [Octopus.Action Octopus.Action[*].Name Step Output[*]]
}
