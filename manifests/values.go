package manifests

import (
	"fmt"
	"math"
	"strconv"

	"sigs.k8s.io/yaml"
)

// normalizeMap makes the number types of a decoded object match what
// sigs.k8s.io/yaml.YAMLToJSON followed by k8s.io/apimachinery's JSON
// decoder produce for the same YAML, which is what kubectl (and the rest of
// converge) compare against: integers and integral floats that fit become
// int64, everything else numeric float64. Maps with non-string keys get
// string keys, as YAMLToJSON gives them.
func normalizeMap(m map[string]any) error {
	for k, v := range m {
		nv, err := normalizeValue(v)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		m[k] = nv
	}
	return nil
}

func normalizeValue(v any) (any, error) {
	switch t := v.(type) {
	case nil, string, bool, int64:
		return v, nil
	case map[string]any:
		return t, normalizeMap(t)
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[keyString(k)] = val
		}
		return out, normalizeMap(out)
	case []any:
		for i, e := range t {
			ne, err := normalizeValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			t[i] = ne
		}
		return t, nil
	case int:
		return int64(t), nil
	case int8:
		return int64(t), nil
	case int16:
		return int64(t), nil
	case int32:
		return int64(t), nil
	case uint:
		return uintValue(uint64(t)), nil
	case uint8:
		return int64(t), nil
	case uint16:
		return int64(t), nil
	case uint32:
		return int64(t), nil
	case uint64:
		return uintValue(t), nil
	case float32:
		return floatValue(float64(t))
	case float64:
		return floatValue(t)
	default:
		// Anything else (say a []byte) goes through JSON, as YAMLToJSON
		// would send it.
		js, err := yaml.Marshal(v)
		if err != nil {
			return nil, err
		}
		var out any
		if err := yaml.Unmarshal(js, &out); err != nil {
			return nil, err
		}
		return normalizeValue(out)
	}
}

func uintValue(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return float64(u)
}

func floatValue(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a JSON number", f)
	}
	// encoding/json writes integral floats below 1e21 without a fraction,
	// and the JSON decoder reads those back as int64 when they fit.
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f), nil
	}
	return f, nil
}

func keyString(k any) string {
	switch t := k.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case uint64:
		return strconv.FormatUint(t, 10)
	case float64:
		return yamlFloatKey(t)
	case nil:
		return "null"
	default:
		return fmt.Sprint(t)
	}
}

// yamlFloatKey renders a float map key as sigs.k8s.io/yaml does.
func yamlFloatKey(f float64) string {
	switch s := strconv.FormatFloat(f, 'g', -1, 32); s {
	case "+Inf":
		return ".inf"
	case "-Inf":
		return "-.inf"
	case "NaN":
		return ".nan"
	default:
		return s
	}
}
