package localcluster

import (
	"fmt"
	"net"
)

// ports are the loopback ports one cluster listens on.
type ports struct {
	EtcdClient, EtcdPeer, APIServer, ControllerManager, Scheduler int
}

// freePorts asks the kernel for distinct free loopback ports. All
// listeners stay open until every port is chosen so none is handed out
// twice; a process of another cluster could still take one before our
// component binds it, which the start then reports as a crashed component.
func freePorts() (ports, error) {
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	var got [5]int
	for i := range got {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return ports{}, fmt.Errorf("find a free loopback port: %w", err)
		}
		listeners = append(listeners, l)
		got[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports{
		EtcdClient: got[0], EtcdPeer: got[1], APIServer: got[2],
		ControllerManager: got[3], Scheduler: got[4],
	}, nil
}
