package diff

import (
	"fmt"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/jsonmergepatch"
	"k8s.io/apimachinery/pkg/util/mergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/kubernetes/scheme"
)

// threeWay computes the patch kubectl's client-side apply sends: from the
// last-applied configuration (original), the desired object with its new
// annotation (modified) and the live object (current). Built-in kinds get a
// strategic merge patch; kinds the client does not know get a JSON merge
// patch. An empty patch is "{}".
func threeWay(gvk schema.GroupVersionKind, original, modified, current []byte) ([]byte, types.PatchType, error) {
	versioned, err := scheme.Scheme.New(gvk)
	switch {
	case err == nil:
		meta, err := strategicpatch.NewPatchMetaFromStruct(versioned)
		if err != nil {
			return nil, "", fmt.Errorf("read patch metadata of %s: %w", gvk, err)
		}
		patch, err := strategicpatch.CreateThreeWayMergePatch(original, modified, current, meta, true)
		return patch, types.StrategicMergePatchType, err
	case runtime.IsNotRegisteredError(err):
		patch, err := jsonmergepatch.CreateThreeWayJSONMergePatch(original, modified, current,
			mergepatch.RequireKeyUnchanged("apiVersion"),
			mergepatch.RequireKeyUnchanged("kind"),
			mergepatch.RequireMetadataKeyUnchanged("name"))
		return patch, types.MergePatchType, err
	default:
		return nil, "", fmt.Errorf("look up %s: %w", gvk, err)
	}
}

// applyPatch applies patch to current locally, as the API server will, to
// predict the object after apply.
func applyPatch(gvk schema.GroupVersionKind, current, patch []byte, pt types.PatchType) ([]byte, error) {
	if pt == types.StrategicMergePatchType {
		versioned, err := scheme.Scheme.New(gvk)
		if err != nil {
			return nil, err
		}
		return strategicpatch.StrategicMergePatch(current, patch, versioned)
	}
	return jsonpatch.MergePatch(current, patch)
}
