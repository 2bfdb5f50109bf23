/**
 * The end of a graceful stop: the JVM waits, within the server's stop timeout, until the kernel has delivered what
 * the server's connections wrote, so that an answer Jetty finished writing is not lost with a container's network.
 *
 * <p>Jetty's graceful stop ends once every request is answered, which means written to the kernel, not received: a
 * client reading a large answer slowly still has part of it in the kernel's send queue when Jetty closes the
 * connection (its shutdown idle timeout) and the JVM exits. On a host the kernel goes on sending a closed socket's
 * queue; in a container the network goes with the container's last process (podman, Kubernetes), and so does the rest
 * of the answer. {@code DeliveredBeforeExit} holds the exit until {@code TcpSendQueues} finds nothing left unacknowledged
 * on the server's ports, or the clients have taken none of it for 5 s since the stop was asked (a client that never
 * reads holds the stop no longer: inside the 10 s {@code docker stop} gives), or it has waited the grace (10 s).
 */
package org.tabserve.launcher.stop;
