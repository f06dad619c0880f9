package intercomtest

// Config is the configuration of the intercom tests: a peer, a door code,
// a warning before calls.max_duration, the three LEDs (status, call, door)
// and a button of each action (call, answer, open, toggle).
const Config = `
[peer]
address = "10.0.0.2"
[door]
code = "1234"
pulse = "2s"
[calls]
max_duration = "2m"
[[leds]]
name = "status"
pin = "GPIO22"
show = "status"
[[leds]]
name = "call"
pin = "GPIO23"
show = "call"
[[leds]]
name = "door"
pin = "GPIO20"
show = "door"
[[buttons]]
name = "call"
pin = "GPIO5"
action = "call"
[[buttons]]
name = "answer"
pin = "GPIO6"
action = "answer"
[[buttons]]
name = "open"
pin = "GPIO13"
action = "open"
[[buttons]]
name = "toggle"
pin = "GPIO19"
action = "toggle"
`
