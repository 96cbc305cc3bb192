// The loopback device: hands each skb, with its page references, to the receiving socket. No DMA, no copy: the
// receiver (the peer) copies the payload out when it reads.
import { Counter, Ev, Dev } from "../abi";
import { count } from "../counters";
import { ev } from "../trace";
import { skbId, skbLen, skbSock, skbLinear, skbAtDriver } from "../kernel/skb";
import { loopbackDev } from "../kernel/netdevice";

/** skbs handed over (the socket layer queues each at its peer: kernel/socket.ts xmit) */
export let loDelivered: i64 = 0;   // skbs handed over since reset

export function loReset(): void { loDelivered = 0; }

/** loopback_xmit: counts the device's transmit and returns; the caller queues the skb at the peer. */
export function loXmit(skb: i32): void {
  count(Counter.TP_NET_DEV_XMIT, 1);
  skbAtDriver(skb);
  ev(Ev.XMIT, skbId(skb), Dev.LOOPBACK, skbLen(skb), skbSock(skb), skbLinear(skb), 0);
  loDelivered++;
}

// the driver's operation, registered with the socket layer (kernel/netdevice.ts)
loopbackDev.ndo_start_xmit = loXmit;
