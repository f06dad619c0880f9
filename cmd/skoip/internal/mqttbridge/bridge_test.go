package mqttbridge

import (
	"testing"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
)

func TestNewChecks(t *testing.T) {
	dir := t.TempDir()
	empty := dir + "/empty.pem"
	if err := writeFile(empty, "not a certificate\n"); err != nil {
		t.Fatal(err)
	}
	unit, bus := newFakeUnit(), events.NewBus(nil)
	for _, tc := range []struct {
		name string
		cfg  config.MQTT
		u    Unit
	}{
		{"no broker", config.MQTT{}, unit},
		{"no unit", testConfig("tcp://127.0.0.1:1883"), nil},
		{"bad broker", testConfig("http://x"), unit},
		{"missing CA file", config.MQTT{Broker: "ssl://127.0.0.1:8883", CAFile: dir + "/none.pem"}, unit},
		{"CA file without a certificate", config.MQTT{Broker: "ssl://127.0.0.1:8883", CAFile: empty}, unit},
		{"CA file with a plain broker", config.MQTT{Broker: "tcp://127.0.0.1:1883", CAFile: empty}, unit},
	} {
		if _, err := New(tc.cfg, tc.u, bus, Info{}, nil); err == nil {
			t.Errorf("%s: New accepted it", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	b, err := New(config.MQTT{Broker: "mqtts://broker.lan"}, unit, bus, Info{}, nil)
	if err != nil || b.tls == nil || b.tls.MinVersion != 0x0303 || b.tls.InsecureSkipVerify || b.addr != "broker.lan:8883" {
		t.Errorf("TLS broker without a CA file: %v %+v", err, b)
	}
}
