// Command gen writes a bundled schema file for package schemas: every
// built-in component schema of a Kubernetes API server's OpenAPI v3
// documents, merged, in the zip format of schemas.Bundle (one compressed
// entry per schema, and an index of kinds). Equal schemas give equal files.
//
// From a running API server (the local control plane in `make schemas`):
//
//	go run ./schemas/gen --kubeconfig KUBECONFIG --out schemas/data/v1.36.zip
//
// From the OpenAPI v3 documents an API server of another version published
// into the k8s.io/kubernetes module (api/openapi-spec/v3):
//
//	go run ./schemas/gen --from-dir DIR --version v1.35.4 --out schemas/data/v1.35.zip
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/convergehq/converge/schemas"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/tools/clientcmd"
)

type document struct {
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "read /openapi/v3 from this cluster")
	fromDir := flag.String("from-dir", "", "read *_openapi.json documents from this directory")
	version := flag.String("version", "", "Kubernetes version of --from-dir documents")
	out := flag.String("out", "", "bundle file to write (.zip)")
	flag.Parse()
	var b schemas.Bundle
	var err error
	switch {
	case *out == "":
		err = fmt.Errorf("--out is required")
	case *kubeconfig != "":
		b, err = fromServer(*kubeconfig)
	case *fromDir != "" && *version != "":
		b, err = fromFiles(*fromDir, *version)
	default:
		err = fmt.Errorf("pass --kubeconfig, or --from-dir with --version")
	}
	if err == nil {
		err = write(*out, b)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d schemas for Kubernetes %s\n", *out, len(b.Schemas), b.KubernetesVersion)
}

func fromServer(kubeconfig string) (schemas.Bundle, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return schemas.Bundle{}, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return schemas.Bundle{}, err
	}
	version, all, err := schemas.FetchOpenAPIV3(context.Background(), dc)
	if err != nil {
		return schemas.Bundle{}, err
	}
	b := schemas.Bundle{KubernetesVersion: version, Source: "/openapi/v3 of a live kube-apiserver " + version, Schemas: map[string]json.RawMessage{}}
	for name, s := range all {
		if builtin(name) {
			b.Schemas[name] = s
		}
	}
	return b, nil
}

func fromFiles(dir, version string) (schemas.Bundle, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_openapi.json"))
	if err != nil || len(files) == 0 {
		return schemas.Bundle{}, fmt.Errorf("no *_openapi.json in %s", dir)
	}
	sort.Strings(files)
	b := schemas.Bundle{KubernetesVersion: version, Source: "api/openapi-spec/v3 of k8s.io/kubernetes " + version, Schemas: map[string]json.RawMessage{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return schemas.Bundle{}, err
		}
		if err := merge(b.Schemas, data); err != nil {
			return schemas.Bundle{}, fmt.Errorf("%s: %w", f, err)
		}
	}
	return b, nil
}

// merge adds a document's built-in component schemas. Names are fully
// qualified, so the same name in two documents is the same schema. Custom
// resources installed in the cluster (names outside io.k8s.) are left out:
// they are not part of a Kubernetes version.
func merge(into map[string]json.RawMessage, data []byte) error {
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	for name, s := range doc.Components.Schemas {
		if builtin(name) {
			into[name] = s
		}
	}
	return nil
}

// builtin reports whether a schema belongs to Kubernetes itself; custom
// resources installed in the cluster are not part of a version.
func builtin(name string) bool { return strings.HasPrefix(name, "io.k8s.") }

// write writes b to path, only once it is complete.
func write(path string, b schemas.Bundle) error {
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
