package record

import (
	"bytes"
	"time"
)

// Time is a time that Helm 3 encodes as "" when zero; Helm 4 reads both
// that and an omitted field.
type Time struct{ time.Time }

// Now is the current time in UTC.
func Now() Time { return Time{time.Now().UTC()} }

// MarshalJSON writes "" for the zero time, RFC 3339 otherwise.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return t.Time.MarshalJSON()
}

// UnmarshalJSON reads "", null and RFC 3339.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte(`""`)) {
		t.Time = time.Time{}
		return nil
	}
	return t.Time.UnmarshalJSON(b)
}
