package schemas

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// semanticCase validates one manifest and expects exact findings.
type semanticCase struct {
	name string
	yaml string
	want []finding
}

func runSemantic(t *testing.T, cat *Catalog, tests []semanticCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := validateYAML(t, cat, tt.yaml)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// service is a Service whose single port has the given targetPort.
func service(targetPort string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
  - port: 80
    targetPort: %s
`, targetPort)
}

func TestIntOrString(t *testing.T) {
	runSemantic(t, newest(t), []semanticCase{
		{"integer", service("8080"), nil},
		{"name", service("http"), nil},
		{"quoted number", service(`"8080"`), nil},
		{"boolean", service("true"), []finding{{"spec.ports[0].targetPort", "must be integer or string, got boolean true"}}},
		{"fraction", service("80.5"), []finding{{"spec.ports[0].targetPort", "must be integer or string, got number 80.5"}}},
		{"beyond int32", service("4294967296"), []finding{{"spec.ports[0].targetPort", "must fit in int32 (-2147483648 to 2147483647), got 4294967296"}}},
		{"object", service("{port: 80}"), []finding{{"spec.ports[0].targetPort", "must be integer or string, got object"}}},
	})
}

// pod is a Pod whose container has the given memory limit.
func podMemory(memory string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: busybox
    resources:
      limits:
        memory: %s
`, memory)
}

func TestQuantity(t *testing.T) {
	bad := func(got string) []finding {
		return []finding{{"spec.containers[0].resources.limits.memory", fmt.Sprintf(`must be a quantity such as "500m", "1Gi" or "1e3", got %q`, got)}}
	}
	runSemantic(t, newest(t), []semanticCase{
		{"milli", podMemory("500m"), nil},
		{"binary suffix", podMemory("1Gi"), nil},
		{"exponent", podMemory(`"1e3"`), nil},
		{"decimal", podMemory("1.5G"), nil},
		{"plain integer", podMemory("1024"), nil},
		{"fraction", podMemory("0.5"), nil},
		{"negative", podMemory("-1"), nil},
		{"bytes unit", podMemory("1GB"), bad("1GB")},
		{"word", podMemory("abc"), bad("abc")},
		{"lowercase binary", podMemory("1gi"), bad("1gi")},
		{"empty", podMemory(`""`), bad("")},
		{"boolean", podMemory("true"), []finding{{"spec.containers[0].resources.limits.memory", "must be number or string, got boolean true"}}},
	})
}

func TestPreserveUnknownFields(t *testing.T) {
	widget := func(config string) string {
		return `apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  size: 1
  image: x
  config: ` + config + "\n"
	}
	runSemantic(t, withWidgets(t), []semanticCase{
		{"any object", widget("{a: 1, b: [x, {c: null}], d: {e: {f: true}}}"), nil},
		{"empty", widget("{}"), nil},
		{"not an object", widget("[1]"), []finding{{"spec.config", "must be object, got array"}}},
	})
}

func TestEmbeddedResource(t *testing.T) {
	widget := func(template string) string {
		return `apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  size: 1
  image: x
  template: ` + template + "\n"
	}
	runSemantic(t, withWidgets(t), []semanticCase{
		{"complete", widget("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {a: b}}, data: {k: v}}"), nil},
		{"without metadata", widget("{apiVersion: v1, kind: ConfigMap}"), nil},
		{"missing apiVersion and kind", widget("{metadata: {name: c}}"), []finding{
			{"spec.template", `required field "apiVersion" is missing`},
			{"spec.template", `required field "kind" is missing`},
		}},
		{"empty kind", widget(`{apiVersion: v1, kind: ""}`), []finding{{"spec.template.kind", "must not be empty"}}},
		{"metadata is ObjectMeta", widget("{apiVersion: v1, kind: ConfigMap, metadata: {name: 3, labelz: {}}}"), []finding{
			{"spec.template.metadata", `unknown field "labelz"`},
			{"spec.template.metadata.name", "must be string, got integer 3"},
		}},
	})
}

func TestNullable(t *testing.T) {
	deployment := func(spec string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: null
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx}
` + spec
	}
	widget := func(spec string) string {
		return "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n" + spec
	}
	runSemantic(t, newest(t), []semanticCase{
		// The API server decodes null into an absent field, then defaults
		// it: replicas becomes 1, labels stay empty.
		{"null field is absent", deployment("  replicas: null\n  strategy: null\n"), nil},
		{"null required field is missing", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: null
  template: {spec: {containers: [{name: web, image: nginx}]}}
`, []finding{{"spec", `required field "selector" is missing`}}},
		{"null list item", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - null
  - name: c
    image: busybox
    args: [a, null]
`, []finding{
			{"spec.containers[0]", "must be object, got null"},
			{"spec.containers[1].args[1]", "must be string, got null"},
		}},
		{"null map value", `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: null, b: x}
`, nil},
	})
	runSemantic(t, withWidgets(t), []semanticCase{
		{"nullable field keeps null", widget("  size: 1\n  image: x\n  note: null\n"), nil},
		{"non-nullable field drops null", widget("  size: 1\n  image: x\n  port: null\n  tags: null\n"), nil},
		{"null required field is missing", widget("  size: 1\n  image: null\n"), []finding{{"spec", `required field "image" is missing`}}},
		{"null with a default takes the default", widget("  size: 1\n  image: x\n  mode: null\n"), nil},
	})
}

func TestAdditionalProperties(t *testing.T) {
	runSemantic(t, newest(t), []semanticCase{
		{"label values are strings", `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels: {app: web, replicas: 3, enabled: true}
`, []finding{
			{"metadata.labels.enabled", "must be string, got boolean true"},
			{"metadata.labels.replicas", "must be string, got integer 3"},
		}},
		{"selector values are strings", `apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  selector: {app: [web]}
`, []finding{{"spec.selector.app", "must be string, got array"}}},
		{"resource values are quantities", `apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec:
  hard: {pods: "10", cpu: lots}
`, []finding{{"spec.hard.cpu", `must be a quantity such as "500m", "1Gi" or "1e3", got "lots"`}}},
	})
}

func TestEnum(t *testing.T) {
	pod := func(field string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox" + field + "}]\n"
	}
	runSemantic(t, newest(t), []semanticCase{
		{"valid", pod(", imagePullPolicy: Always"), nil},
		{"wrong case", pod(", imagePullPolicy: always"), []finding{{"spec.containers[0].imagePullPolicy", `must be one of "Always", "IfNotPresent", "Never"; got "always"`}}},
		{"list item", pod(", ports: [{containerPort: 80, protocol: HTTP}]"), []finding{{"spec.containers[0].ports[0].protocol", `must be one of "SCTP", "TCP", "UDP"; got "HTTP"`}}},
		// The server decodes "" into an unset field and defaults it, as
		// Helm output with an empty value gives.
		{"empty string in a built-in kind", pod(`, imagePullPolicy: "", ports: [{containerPort: 80, protocol: ""}]`), nil},
	})
	runSemantic(t, withWidgets(t), []semanticCase{
		{"CRD enum", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, image: x, mode: slow}\n", []finding{{"spec.mode", `must be one of "fast", "safe"; got "slow"`}}},
		{"CRD enum, empty string", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, image: x, mode: \"\"}\n", []finding{{"spec.mode", `must be one of "fast", "safe"; got ""`}}},
	})
}

func TestDateTime(t *testing.T) {
	meta := func(ts string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: " + ts + "\n"
	}
	widget := func(ts string) string {
		return "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, image: x, startedAt: " + ts + "}\n"
	}
	runSemantic(t, newest(t), []semanticCase{
		{"UTC", meta(`"2024-05-01T10:00:00Z"`), nil},
		{"offset and fraction", meta(`"2024-05-01T10:00:00.123+02:00"`), nil},
		{"date only", meta(`"2024-05-01"`), []finding{{"metadata.creationTimestamp", `must be an RFC 3339 date-time such as "2006-01-02T15:04:05Z", got "2024-05-01"`}}},
		{"words", meta("yesterday"), []finding{{"metadata.creationTimestamp", `must be an RFC 3339 date-time such as "2006-01-02T15:04:05Z", got "yesterday"`}}},
	})
	runSemantic(t, withWidgets(t), []semanticCase{
		{"CRD valid", widget(`"2024-05-01T10:00:00Z"`), nil},
		{"CRD invalid", widget(`"10:00"`), []finding{{"spec.startedAt", `must be an RFC 3339 date-time such as "2006-01-02T15:04:05Z", got "10:00"`}}},
	})
}

func TestRequired(t *testing.T) {
	runSemantic(t, newest(t), []semanticCase{
		{"every missing field", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{}]
`, []finding{
			{"spec", `required field "selector" is missing`},
			{"spec.template.spec.containers[0]", `required field "image" is missing`},
			{"spec.template.spec.containers[0]", `required field "name" is missing`},
		}},
		{"nested list item", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: busybox
    env: [{value: x}]
`, []finding{{"spec.containers[0].env[0]", `required field "name" is missing`}}},
	})
}

func TestListMapDuplicates(t *testing.T) {
	pod := func(containers string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + containers
	}
	runSemantic(t, newest(t), []semanticCase{
		{"two containers named web", pod("  - {name: web, image: a}\n  - {name: web, image: b}\n"), []finding{
			{"spec.containers[1]", `duplicate entry with name "web" in a list keyed by name`},
		}},
		{"reported once per key", pod("  - {name: web, image: a}\n  - {name: web, image: b}\n  - {name: web, image: c}\n  - {name: db, image: d}\n  - {name: db, image: e}\n"), []finding{
			{"spec.containers[1]", `duplicate entry with name "web" in a list keyed by name`},
			{"spec.containers[4]", `duplicate entry with name "db" in a list keyed by name`},
		}},
		{"same port and protocol", pod("  - name: web\n    image: a\n    ports: [{containerPort: 80, protocol: TCP}, {containerPort: 80, protocol: TCP}]\n"), []finding{
			{"spec.containers[0].ports[1]", `duplicate entry with containerPort 80 and protocol "TCP" in a list keyed by containerPort and protocol`},
		}},
		{"protocol defaults to TCP", pod("  - name: web\n    image: a\n    ports: [{containerPort: 80}, {containerPort: 80, protocol: TCP, name: again}]\n"), []finding{
			{"spec.containers[0].ports[1]", `duplicate entry with containerPort 80 and protocol "TCP" in a list keyed by containerPort and protocol`},
		}},
		{"same port other protocol", pod("  - name: web\n    image: a\n    ports: [{containerPort: 53}, {containerPort: 53, protocol: UDP}]\n"), nil},
	})
	runSemantic(t, withWidgets(t), []semanticCase{
		{"CRD map", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, image: x, listeners: [{name: a, port: 1}, {name: a, port: 2}]}\n", []finding{
			{"spec.listeners[1]", `duplicate entry with name "a" in a list keyed by name`},
		}},
	})
}

func TestListSetDuplicates(t *testing.T) {
	runSemantic(t, newest(t), []semanticCase{
		{"finalizers", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers: [example.com/a, example.com/b, example.com/a]\n", []finding{
			{"metadata.finalizers[2]", `duplicate entry "example.com/a" in a list of unique values`},
		}},
		{"unique", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers: [example.com/a, example.com/b]\n", nil},
	})
	runSemantic(t, withWidgets(t), []semanticCase{
		{"CRD set", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, image: x, tags: [a, b, b]}\n", []finding{
			{"spec.tags[2]", `duplicate entry "b" in a list of unique values`},
		}},
	})
}
