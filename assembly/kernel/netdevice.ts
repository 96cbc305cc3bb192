// Network devices as the socket layer sees them (include/linux/netdevice.h: struct net_device and its
// net_device_ops). The drivers (dev/loopback.ts, dev/nic.ts) register their operations and features at start-up,
// so the socket layer (socket.ts) calls them without importing them, as dev_queue_xmit reaches a driver through
// dev->netdev_ops->ndo_start_xmit:
//
//   socket.ts --xmit--> loopbackDev.ndo_start_xmit = loXmit  (dev/loopback.ts)
//             `-------> nicDev.ndo_start_xmit     = nicXmit (dev/nic.ts), tx_process, tx_clean
export type XmitFn = (skb: i32) => void;
export type DevFn = () => void;
function noXmit(skb: i32): void {}
function nothing(): void {}

export class NetDevice {
  /** ndo_start_xmit: the driver takes the skb */
  ndo_start_xmit: XmitFn = noXmit;
  /** the device works through what has been posted to it (its DMA engine) */
  tx_process: DevFn = nothing;
  /** the driver's TX completion: reclaims descriptors whose DMA ended and frees their skbs */
  tx_clean: DevFn = nothing;
  /** NETIF_F_SG after netdev_fix_features */
  sg: bool = true;
  /** NETIF_F_HW_CSUM */
  csum: bool = true;
}

export const loopbackDev = new NetDevice();
export const nicDev = new NetDevice();

// The socket layer's calls into the devices, by the names it has always used.
@inline export function loXmit(skb: i32): void { loopbackDev.ndo_start_xmit(skb); }
@inline export function nicXmit(skb: i32): void { nicDev.ndo_start_xmit(skb); }
@inline export function nicProcess(): void { nicDev.tx_process(); }
@inline export function nicClean(): void { nicDev.tx_clean(); }
/** The NIC's NETIF_F_SG, as the socket layer sees it (the driver sets it at reset). */
export let featSG: bool = true;
export function netdevSetFeatures(dev: NetDevice, sg: bool, csum: bool): void {
  dev.sg = sg; dev.csum = csum;
  if (dev === nicDev) featSG = sg;
}
