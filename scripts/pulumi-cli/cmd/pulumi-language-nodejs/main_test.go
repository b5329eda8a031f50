package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func writeJSON(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRequiredPluginsFindsResourcePackagesInNodeModulesAndParents(t *testing.T) {
	root := t.TempDir()
	program := filepath.Join(root, "stack")
	writeJSON(t, filepath.Join(program, "node_modules/@pulumi/aws/package.json"),
		`{"name":"@pulumi/aws","version":"6.1.0","pulumi":{"resource":true}}`)
	writeJSON(t, filepath.Join(program, "node_modules/@acme/thing/package.json"),
		`{"name":"@acme/thing","version":"1.0.0","pulumi":{"resource":true,"name":"thing","version":"2.0.0","server":"https://x"}}`)
	writeJSON(t, filepath.Join(program, "node_modules/plain/package.json"), `{"name":"plain","version":"1.0.0"}`)
	writeJSON(t, filepath.Join(root, "node_modules/@pulumi/random/package.json"),
		`{"name":"@pulumi/random","version":"v4.0.0","pulumi":{"resource":true}}`)

	got, err := requiredPlugins(program)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, p := range got {
		names[p.Name] = p.Version + " " + p.Server
	}
	want := map[string]string{"aws": "v6.1.0 ", "thing": "v2.0.0 https://x", "random": "v4.0.0 "}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("plugins = %v, want %v", names, want)
	}
}

func TestRequiredPluginsReportsABrokenPackageJSON(t *testing.T) {
	program := t.TempDir()
	writeJSON(t, filepath.Join(program, "node_modules/bad/package.json"), `{"name":`)
	if _, err := requiredPlugins(program); err == nil {
		t.Fatal("expected an error for a broken package.json")
	}
}

func TestTypeScriptEnvFollowsTheRuntimeOptions(t *testing.T) {
	cases := []struct {
		opts map[string]any
		want []string
	}{
		{map[string]any{}, []string{"PULUMI_NODEJS_TYPESCRIPT=true"}},
		{map[string]any{"typescript": false}, []string{"PULUMI_NODEJS_TYPESCRIPT=false"}},
		{map[string]any{"tsconfig": "tsconfig.pulumi.json"},
			[]string{"PULUMI_NODEJS_TYPESCRIPT=true", "PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.pulumi.json"}},
	}
	for _, c := range cases {
		if got := typeScriptEnv(c.opts); !reflect.DeepEqual(got, c.want) {
			t.Errorf("typeScriptEnv(%v) = %v, want %v", c.opts, got, c.want)
		}
	}
}

func TestRuntimeOptionsAndNodeArgsComeFromProgramInfo(t *testing.T) {
	opts, err := structpb.NewStruct(map[string]any{"nodeargs": "--max-old-space-size=4096  --trace-warnings"})
	if err != nil {
		t.Fatal(err)
	}
	info := &pulumirpc.ProgramInfo{ProgramDirectory: "/p", Options: opts}
	if got := nodeArgs(runtimeOptions(info)); !reflect.DeepEqual(got, []string{"--max-old-space-size=4096", "--trace-warnings"}) {
		t.Fatalf("nodeArgs = %v", got)
	}
	if programDir(info, "/fallback") != "/p" || programDir(nil, "/fallback") != "/fallback" {
		t.Fatal("programDir should prefer the program directory, then the fallback")
	}
}
