package netconf

import (
	"bytes"
	"fmt"

	"github.com/skoip/skoip/config"
)

// The interfaces each file matches, and their route metrics: the lower
// wins, so the cable is preferred while it is up.
const (
	wiredMatch     = "en* eth*"
	wirelessMatch  = "wl*"
	wiredMetric    = 100
	wirelessMetric = 600
)

const header = "# Written at boot by skoip-network.service (`skoip network`) from skoip.toml [network].\n" +
	"# Changes here are lost at the next boot: edit skoip.toml on the boot partition instead.\n"

// networkFile is a systemd.network(5) file for the interfaces of match:
// DHCP, or n's static address when static is true; IPv6 router
// advertisements are taken either way. n's name servers are added.
func networkFile(match string, metric int, n config.Network, static bool) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "\n[Match]\nName=%s\n\n[Network]\n", match)
	if static {
		fmt.Fprintf(&b, "Address=%s\n", n.Address)
	} else {
		b.WriteString("DHCP=yes\n")
	}
	for _, d := range n.DNS {
		fmt.Fprintf(&b, "DNS=%s\n", d)
	}
	if static && n.Gateway != "" {
		fmt.Fprintf(&b, "\n[Route]\nGateway=%s\nMetric=%d\n", n.Gateway, metric)
	}
	if !static {
		fmt.Fprintf(&b, "\n[DHCPv4]\nRouteMetric=%d\n", metric)
	}
	fmt.Fprintf(&b, "\n[IPv6AcceptRA]\nRouteMetric=%d\n", metric)
	return b.Bytes()
}
