// Package plainerr words the errors of encoding/json and go-toml in the
// terms of the file a user wrote (the key, and what its value should be)
// rather than of the Go types it was decoded into.
//
//	if err := json.Unmarshal(raw, &c); err != nil {
//		return fmt.Errorf("chapter %d: %s", i, plainerr.JSON(err))
//		// chapter 1: startTime: want a number, got a string
//		// not: json: cannot unmarshal string into Go struct field jsonChapter.startTime of type float64
//	}
package plainerr

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// JSON returns the message of an encoding/json error.
func JSON(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		got := te.Value
		if i := strings.IndexByte(got, ' '); i >= 0 {
			got = got[:i] // "number 1.5": the kind is enough
		}
		msg := fmt.Sprintf("want %s, got %s", kind(te.Type), article(got))
		if te.Field != "" {
			msg = te.Field + ": " + msg
		}
		return msg
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// tomlType matches go-toml's message for a value of the wrong type.
var tomlType = regexp.MustCompile(`cannot decode TOML (\w+(?: \w+)?) into .* of type (\S+)$`)

// TOML returns the message of a go-toml decoding error.
func TOML(err error) string {
	msg := err.Error()
	if m := tomlType.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("want %s, got %s", goKind(m[2]), article(m[1]))
	}
	return strings.TrimPrefix(msg, "toml: ")
}

// kind says what a value of type t is, in a config or data file's terms.
func kind(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		if t.PkgPath() == "time" {
			return "a date"
		}
		return "a table of keys and values"
	}
	return "another kind of value"
}

// goKind is kind for the name of a Go type as go-toml prints it.
func goKind(name string) string {
	name = strings.TrimLeft(name, "*")
	switch {
	case strings.HasPrefix(name, "[]"):
		return "a list"
	case name == "bool":
		return "true or false"
	case strings.HasPrefix(name, "int"), strings.HasPrefix(name, "uint"):
		return "an integer"
	case strings.HasPrefix(name, "float"):
		return "a number"
	case name == "string":
		return "a string"
	case name == "time.Time", strings.HasPrefix(name, "toml.Local"):
		return "a date"
	}
	return "a table of keys and values"
}

func article(s string) string {
	if s == "" {
		return "another kind of value"
	}
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
