// Package schemas checks manifests against the OpenAPI schemas of a
// Kubernetes version, offline, as strictly as the API server does.
//
// # Where schemas come from
//
// A [Catalog] holds every component schema of one Kubernetes version,
// indexed by the GroupVersionKind each top-level schema declares in
// x-kubernetes-group-version-kind:
//
//   - [Bundled] returns the catalog of a version embedded in the binary
//     (see [BundledVersions]); the files in data/ are written by the gen
//     command from a kube-apiserver's /openapi/v3 documents, in the format
//     of [Bundle], whose schemas are each inflated only when first used.
//   - [FromOpenAPI] builds one from the components.schemas of any API
//     server, such as the live cluster's /openapi/v3.
//   - [Catalog.WithCRDs] adds the served versions of every
//     CustomResourceDefinition in a manifest set, so custom resources in the
//     same set are checked too.
//
// # How objects are checked
//
// Each schema is converted from the Kubernetes dialect of OpenAPI v3 to
// JSON Schema 2020-12 and compiled with github.com/santhosh-tekuri/jsonschema
// the first time an object of its kind is validated; compiled schemas are
// shared by all objects and goroutines. The conversion keeps the API
// server's semantics:
//
//   - unknown fields are errors wherever a schema lists its properties
//     (Options.Strict, the default of kubectl --validate=strict), except
//     under x-kubernetes-preserve-unknown-fields;
//   - int-or-string fields take an integer or a string, and quantities a
//     number or a string in the quantity grammar ("500m", "1Gi", "1e3");
//   - formats are checked as the API server decodes them: int32 and int64
//     ranges, base64 for byte (Secret data), RFC 3339 for date-time;
//   - x-kubernetes-embedded-resource objects need apiVersion and kind, and
//     their metadata is an ObjectMeta;
//   - x-kubernetes-list-type set and map lists may not hold duplicate items
//     or duplicate keys (x-kubernetes-list-map-keys), defaults of key fields
//     included, checked by a keyword of this package during the same walk;
//   - null is handled as the API server decodes it: a null field whose
//     schema is not nullable is dropped as if it were absent (so it fails
//     only when the field is required), while a null list item must be
//     nullable.
//
// A few rules the API server enforces that schemas do not express are
// checked too: label keys and values, annotation keys and total size, the
// name rules of common kinds, and that every container has an image.
// CEL rules (x-kubernetes-validations) and admission policies are not
// evaluated.
//
// # Results
//
// [Catalog.Validate] checks every object of a set concurrently and returns
// a [Result]: every [Problem] of every object, in set order and then by
// field path, each naming the object, the file and line it came from, the
// field, and what is wrong in plain words. A problem under the data or
// stringData of a Secret names the key and the rule broken, and at most
// the type of the value, never the value.
//
// [ValidateLoad] gives the same result without holding the whole set:
// objects of built-in kinds are checked as soon as their file is decoded
// and only their identity is kept; CRDs and custom resources are kept
// until every CRD of the set is known.
package schemas
