package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// deploymentWith is a Deployment whose container (and pod spec) carry the
// given extra YAML, indented for the container and the pod.
func deploymentWith(container, pod string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
` + container + pod
}

func TestStoredAlike(t *testing.T) {
	tests := []struct {
		name           string
		written, live  string
		wantSameStored bool
	}{
		{
			name:           "cpu in millicores and an integer",
			written:        deploymentWith("        resources: {limits: {cpu: 2000m}, requests: {cpu: 1, memory: 1024Mi}}\n", ""),
			live:           deploymentWith("        resources: {limits: {cpu: \"2\"}, requests: {cpu: \"1\", memory: 1Gi}}\n", ""),
			wantSameStored: true,
		},
		{
			name:           "quantity spellings",
			written:        deploymentWith("        resources: {requests: {cpu: 0.5, memory: 1e3, ephemeral-storage: 1000Mi}}\n", ""),
			live:           deploymentWith("        resources: {requests: {cpu: 500m, memory: 1k, ephemeral-storage: 1000Mi}}\n", ""),
			wantSameStored: true,
		},
		{
			name:           "empty lists and maps, zero values",
			written:        deploymentWith("        args: []\n        env: []\n", "      nodeSelector: {}\n      imagePullSecrets: []\n      hostNetwork: false\n      tolerations: null\n"),
			live:           deploymentWith("", ""),
			wantSameStored: true,
		},
		{
			name:           "a real change stays a change",
			written:        deploymentWith("        resources: {limits: {cpu: 2001m}}\n", ""),
			live:           deploymentWith("        resources: {limits: {cpu: \"2\"}}\n", ""),
			wantSameStored: false,
		},
		{
			name:           "true is not the zero value",
			written:        deploymentWith("", "      hostNetwork: true\n"),
			live:           deploymentWith("", ""),
			wantSameStored: false,
		},
		{
			name:           "server-owned fields and status do not count",
			written:        "apiVersion: v1\nkind: Service\nmetadata: {name: s, resourceVersion: \"9\", uid: abc, generation: 3}\nspec: {ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}\n",
			live:           "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
			wantSameStored: true,
		},
		{
			name:           "a Secret's stringData is its data",
			written:        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\ntype: Opaque\n",
			live:           "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: aHVudGVyMg==}\ntype: Opaque\n",
			wantSameStored: true,
		},
		{
			name:           "custom resources are left to the server",
			written:        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2000m, tags: []}\n",
			live:           "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: \"2\"}\n",
			wantSameStored: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			written, live := fromYAML(t, tt.written), fromYAML(t, tt.live)
			if diff := cmp.Diff(tt.wantSameStored, noEffect(live, written)); diff != "" {
				t.Errorf("noEffect (-want +got):\n%s", diff)
			}
			if isSecret(written) {
				return // the fast path on unfolded objects is not for Secrets
			}
			same, typed := storedAlikeTyped(written.GroupVersionKind(), live.Object, written.Object)
			if typed && same != tt.wantSameStored {
				t.Errorf("storedAlikeTyped = %t, want %t", same, tt.wantSameStored)
			}
			if wantTyped := written.GetKind() != "Widget"; typed != wantTyped {
				t.Errorf("storedAlikeTyped compared typed = %t, want %t", typed, wantTyped)
			}
		})
	}
}

func TestQuantitiesCompareByValue(t *testing.T) {
	written := fromYAML(t, deploymentWith("        resources: {limits: {cpu: 2000m, memory: 1024Mi}, requests: {cpu: 1, memory: 0.5Gi}}\n", ""))
	stored := fromYAML(t, deploymentWith("        resources: {limits: {cpu: \"2\", memory: 1Gi}, requests: {cpu: \"1\", memory: 512Mi}}\n", ""))
	if !noEffect(stored, written) {
		t.Errorf("2000m, 1024Mi, 1 and 0.5Gi differ from the stored 2, 1Gi, 1 and 512Mi; want them equal")
	}
}
