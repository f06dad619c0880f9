package sdp

import "github.com/skoip/skoip/media"

// sends and receives split a direction into its two halves.
func sends(d media.Direction) bool    { return d == media.SendRecv || d == media.SendOnly }
func receives(d media.Direction) bool { return d == media.SendRecv || d == media.RecvOnly }

// direction joins two halves again.
func direction(send, recv bool) media.Direction {
	switch {
	case send && recv:
		return media.SendRecv
	case send:
		return media.SendOnly
	case recv:
		return media.RecvOnly
	}
	return media.Inactive
}

// negotiate is our direction given the remote side's direction and what we
// want (RFC 3264 section 6.1): we send only if the remote receives, and
// receive only if it sends.
//
//	remote \ want   sendrecv  sendonly  recvonly  inactive
//	sendrecv        sendrecv  sendonly  recvonly  inactive
//	sendonly        recvonly  inactive  recvonly  inactive
//	recvonly        sendonly  sendonly  inactive  inactive
//	inactive        inactive  inactive  inactive  inactive
func negotiate(remote, want media.Direction) media.Direction {
	return direction(sends(want) && receives(remote), receives(want) && sends(remote))
}

// attr is the SDP attribute naming d.
func attr(d media.Direction) string {
	switch d {
	case media.SendOnly:
		return "sendonly"
	case media.RecvOnly:
		return "recvonly"
	case media.Inactive:
		return "inactive"
	}
	return "sendrecv"
}
