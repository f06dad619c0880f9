package mqttbridge

import "errors"

// Errors of New and Run.
var (
	// ErrNoBroker: mqtt.broker is empty (the bridge is off).
	ErrNoBroker = errors.New("mqttbridge: no broker configured (mqtt.broker is empty)")
	// ErrNoUnit: New was given a nil Unit or Bus.
	ErrNoUnit = errors.New("mqttbridge: a Unit and an events.Bus are required")
	// ErrCAFile: mqtt.ca_file cannot be used.
	ErrCAFile = errors.New("mqtt.ca_file unusable")
	// ErrRunning: Run was called a second time.
	ErrRunning = errors.New("mqttbridge: Run was already called")
	// errNotOpen: there is no open connection to publish on.
	errNotOpen = errors.New("mqttbridge: not connected")
	// errAckTimeout: the broker did not acknowledge a QoS 1 message in time.
	errAckTimeout = errors.New("mqttbridge: no PUBACK in time")
)
