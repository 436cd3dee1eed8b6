package diff

import (
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// patch fills in the three-way patch and the predicted object of c, whose
// Desired and Live are set; modified is Desired serialised, kubectl's
// modified configuration. A patch that changes nothing the server keeps
// (a Secret's stringData the server folds into equal data, a quantity or an
// empty field the server stores in another form) makes c unchanged, with no
// request; so does a verdict the memo remembers for the same desired and
// live objects.
func (p *Planner) patch(c *Change, modified []byte) error {
	if memo := p.memoFor(c); memo != nil {
		c.memoKey = memoKey(p.Clients.Config.Host, *c, modified)
		if memo.Unchanged(c.memoKey) {
			settleUnchanged(c, CheckMemo)
			return nil
		}
	}
	current, err := encode(c.Live.Object)
	if err != nil {
		return err
	}
	gvk := c.Desired.GroupVersionKind()
	patch, pt, err := threeWay(gvk, originalConfiguration(c.Live), modified, current)
	if err != nil {
		return err
	}
	if string(patch) == "{}" {
		p.settleRemembered(c, CheckLocal)
		return nil
	}
	c.Action, c.Patch, c.PatchType = ActionConfigure, patch, pt
	predicted, err := applyPatch(gvk, c.Live, current, patch, pt)
	if err != nil {
		return fmt.Errorf("predict result: %w", err)
	}
	// The fast path, on the objects as they are; a Secret needs its
	// stringData folded first, which noEffect does.
	same, typed := false, false
	if !isSecret(c.Live) {
		same, typed = storedAlikeTyped(gvk, c.Live.Object, predicted.Object)
	}
	if !typed {
		same = noEffect(c.Live, predicted)
	}
	if same {
		p.settleRemembered(c, CheckLocal)
		return nil
	}
	c.Predicted = predicted
	return nil
}

// settleRemembered marks c unchanged and remembers the verdict.
func (p *Planner) settleRemembered(c *Change, how Check) {
	settleUnchanged(c, how)
	if memo := p.memoFor(c); memo != nil && c.memoKey != "" {
		memo.RememberUnchanged(c.memoKey)
	}
}

// noEffect reports whether the server stores the predicted object as it
// stores the live one, once the server's own fields are set aside: same
// last-applied annotation, and, normalised, the same typed form (see
// storedAlikeTyped), or for a kind the client does not know the same
// fields.
func noEffect(live, predicted *unstructured.Unstructured) bool {
	if live.GetAnnotations()[LastAppliedAnnotation] != predicted.GetAnnotations()[LastAppliedAnnotation] {
		return false
	}
	a, b := Normalize(live, nil), Normalize(predicted, nil)
	if same, typed := storedAlikeTyped(a.GroupVersionKind(), a.Object, b.Object); typed {
		return same
	}
	return reflect.DeepEqual(a.Object, b.Object)
}
