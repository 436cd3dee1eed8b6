package diff

import (
	"fmt"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
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

// applyPatch applies patch to live locally, as the API server will, to
// predict the object after apply. current is live as JSON; live is not
// changed.
func applyPatch(gvk schema.GroupVersionKind, live *unstructured.Unstructured, current, patch []byte, pt types.PatchType) (*unstructured.Unstructured, error) {
	if pt != types.StrategicMergePatchType {
		merged, err := jsonpatch.MergePatch(current, patch)
		if err != nil {
			return nil, err
		}
		out := &unstructured.Unstructured{}
		return out, out.UnmarshalJSON(merged)
	}
	versioned, err := scheme.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	meta, err := strategicpatch.NewPatchMetaFromStruct(versioned)
	if err != nil {
		return nil, err
	}
	var patchMap map[string]any
	if err := utiljson.Unmarshal(patch, &patchMap); err != nil {
		return nil, err
	}
	// The merge works in place, on maps: no JSON round trip, and numbers
	// stay int64 as in every unstructured object.
	merged, err := strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta(runtime.DeepCopyJSON(live.Object), patchMap, meta)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: merged}, nil
}
