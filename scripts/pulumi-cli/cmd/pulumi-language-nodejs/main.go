// pulumi-language-nodejs: the Node.js language host that this project builds beside the Pulumi CLI.
//
// The upstream host lives in an untagged Go module that the Go module proxy reachable from our machines
// does not serve (403 "This module version is not available"), so we build our own from the published
// sdk/v3 module. It implements what the engine needs to run a Node.js program, a Node.js plugin and a
// Node.js policy pack: everything is delegated to the @pulumi/pulumi package installed beside the program
// (cmd/run, cmd/run-plugin, cmd/run-policy-pack), exactly as the upstream host does.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code with which @pulumi/pulumi/cmd/run says "the error was already shown to the user".
const exitErrorAlreadyReported = 32

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint (passed to the program)")
	flag.String("root", "", "accepted for compatibility")
	// -logtostderr and -v are registered by glog, which the SDK imports.
	flag.Parse()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fail("could not find node on the $PATH: %v", err)
	}
	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	host := &nodeHost{nodeBin: nodeBin, engineAddress: engineAddress, tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fail("could not start the language host RPC server: %v", err)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail("language host RPC stopped serving: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	nodeBin       string
	engineAddress string
	tracing       string
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.EngineAddress != "" {
		h.engineAddress = req.EngineAddress
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.CommandContext(ctx, h.nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: h.nodeBin, Version: strings.TrimSpace(string(out))}, nil
}

// GetRequiredPackages lists the resource plugins that packages in node_modules declare
// (`"pulumi": {"resource": true}` in their package.json), as the upstream host does.
func (h *nodeHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := requiredPlugins(programDir(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range plugins {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

func (h *nodeHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := requiredPlugins(programDir(req.GetInfo(), req.GetPwd()))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// Run executes a Pulumi program through @pulumi/pulumi/cmd/run.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		var err error
		if runPath, err = h.resolve(ctx, dir, "@pulumi/pulumi/cmd/run"); err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}

	opts := runtimeOptions(req.GetInfo())
	args := append(nodeArgs(opts), runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("stack", req.GetStack())
	flagArg("pwd", req.GetPwd())
	if req.GetInfo() != nil {
		flagArg("root-directory", req.GetInfo().GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		flagArg("parallel", fmt.Sprint(req.GetParallel()))
	}
	flagArg("tracing", h.tracing)
	program := req.GetProgram()
	if program == "" {
		program = "."
	}
	args = append(append(args, program), req.GetArgs()...)

	configMap, secretKeyList := req.GetConfig(), req.GetConfigSecretKeys()
	if configMap == nil {
		configMap = map[string]string{}
	}
	if secretKeyList == nil {
		secretKeyList = []string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, fmt.Errorf("serializing configuration: %w", err)
	}
	secretKeys, err := json.Marshal(secretKeyList)
	if err != nil {
		return nil, fmt.Errorf("serializing secret configuration keys: %w", err)
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	env = append(env, typeScriptEnv(opts)...)

	cmd := exec.CommandContext(ctx, h.nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitErrorAlreadyReported {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a Node.js plugin; policy packs (kind "analyzer") through cmd/run-policy-pack,
// anything else through cmd/run-plugin, both resolved from the plugin's own directory.
func (h *nodeHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	ctx := stream.Context()
	dir := programDir(req.GetInfo(), req.GetProgram())
	module := "@pulumi/pulumi/cmd/run-plugin"
	if req.GetKind() == "analyzer" {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	entry, err := h.resolve(ctx, dir, module)
	if err != nil {
		return err
	}
	opts := runtimeOptions(req.GetInfo())
	cmdArgs := append(nodeArgs(opts), entry)
	if req.GetKind() == "analyzer" {
		// run-policy-pack <engine address> <policy pack directory>
		cmdArgs = append(append(cmdArgs, req.GetArgs()...), dir)
	} else {
		// run-plugin <plugin directory> <engine address>...
		cmdArgs = append(append(cmdArgs, dir), req.GetArgs()...)
	}

	// A plugin runs in its own directory: a policy pack reads its package.json from there.
	cmd := exec.CommandContext(ctx, h.nodeBin, cmdArgs...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), req.GetEnv()...), typeScriptEnv(opts)...)
	var mu sync.Mutex
	send := func(resp *pulumirpc.RunPluginResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(resp)
	}
	cmd.Stdout = writerFunc(func(p []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: clone(p)}})
	})
	cmd.Stderr = writerFunc(func(p []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: clone(p)}})
	})
	code := int32(0)
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("could not run plugin %s: %w", dir, err)
		}
		code = int32(exitErr.ExitCode())
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// InstallDependencies runs `npm install` in the program's directory (`pulumi install`).
func (h *nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetDirectory())
	cmd := exec.CommandContext(stream.Context(), "npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	var mu sync.Mutex
	cmd.Stdout = writerFunc(func(p []byte) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: clone(p)})
	})
	cmd.Stderr = writerFunc(func(p []byte) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(&pulumirpc.InstallDependenciesResponse{Stderr: clone(p)})
	})
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install in %s: %w", dir, err)
	}
	return nil
}

// resolve finds a module the way Node does from dir, so that the program's own @pulumi/pulumi is used.
func (h *nodeHost) resolve(ctx context.Context, dir, module string) (string, error) {
	script := "process.stdout.write(require.resolve(process.argv[1], {paths: [process.argv[2]]}))"
	out, err := exec.CommandContext(ctx, h.nodeBin, "-e", script, module, dir).Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: is @pulumi/pulumi installed there "+
			"(npm install)? %v", module, dir, err)
	}
	return string(out), nil
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

func runtimeOptions(info *pulumirpc.ProgramInfo) map[string]any {
	if info == nil || info.GetOptions() == nil {
		return map[string]any{}
	}
	return info.GetOptions().AsMap()
}

// nodeArgs returns the `nodeargs` runtime option split into words.
func nodeArgs(opts map[string]any) []string {
	if s, ok := opts["nodeargs"].(string); ok {
		return strings.Fields(s)
	}
	return nil
}

// typeScriptEnv maps the `typescript` (default true) and `tsconfig` runtime options to the
// environment variables that @pulumi/pulumi/cmd/run reads.
func typeScriptEnv(opts map[string]any) []string {
	ts := "true"
	if v, ok := opts["typescript"].(bool); ok && !v {
		ts = "false"
	}
	env := []string{"PULUMI_NODEJS_TYPESCRIPT=" + ts}
	if p, ok := opts["tsconfig"].(string); ok && p != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+p)
	}
	return env
}

// requiredPlugins scans node_modules (and its @scope folders) of dir and its parents for packages
// that declare a resource plugin.
func requiredPlugins(dir string) ([]*pulumirpc.PluginDependency, error) {
	var plugins []*pulumirpc.PluginDependency
	seen := map[string]bool{}
	for d := dir; ; d = filepath.Dir(d) {
		pkgs, _ := filepath.Glob(filepath.Join(d, "node_modules", "*", "package.json"))
		scoped, _ := filepath.Glob(filepath.Join(d, "node_modules", "@*", "*", "package.json"))
		for _, path := range append(pkgs, scoped...) {
			p, err := pluginOf(path)
			if err != nil {
				return nil, err
			}
			if p != nil && !seen[p.Name] {
				seen[p.Name] = true
				plugins = append(plugins, p)
			}
		}
		if filepath.Dir(d) == d {
			return plugins, nil
		}
	}
}

func pluginOf(packageJSON string) (*pulumirpc.PluginDependency, error) {
	b, err := os.ReadFile(packageJSON)
	if err != nil {
		return nil, err
	}
	var info struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Pulumi  struct {
			Resource bool   `json:"resource"`
			Name     string `json:"name"`
			Version  string `json:"version"`
			Server   string `json:"server"`
		} `json:"pulumi"`
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("reading %s: %w", packageJSON, err)
	}
	if !info.Pulumi.Resource {
		return nil, nil
	}
	name := info.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(info.Name, "@pulumi/"), "@")
	}
	ver := info.Pulumi.Version
	if ver == "" {
		ver = info.Version
	}
	if ver != "" && !strings.HasPrefix(ver, "v") {
		ver = "v" + ver
	}
	return &pulumirpc.PluginDependency{Name: name, Kind: "resource", Version: ver, Server: info.Pulumi.Server}, nil
}

type writerFunc func(p []byte) error

func (w writerFunc) Write(p []byte) (int, error) {
	if err := w(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

var _ io.Writer = writerFunc(nil)

func clone(p []byte) []byte { return append([]byte(nil), p...) }
