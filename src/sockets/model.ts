/** Transport protocol of a socket. */
export type Protocol = 'tcp' | 'udp';

/** Address family of a socket. */
export type Family = 'ipv4' | 'ipv6';

/**
 * Who can reach a listening socket:
 * - `loopback`: only this machine (127.0.0.0/8, ::1, ::ffff:127.x)
 * - `all-interfaces`: every interface (0.0.0.0, ::)
 * - `interface`: one specific non-loopback address
 */
export type ExposureKind = 'loopback' | 'all-interfaces' | 'interface';

/** TCP states portier reports; UDP sockets have no state and use `unconnected`. */
export type SocketState =
  | 'LISTEN'
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'unconnected'
  | 'unknown';

/** One row of a socket table as the kernel (or a platform tool) shows it, before owners. */
export interface SocketRow {
  protocol: Protocol;
  family: Family;
  /** Local address in canonical text form (`127.0.0.1`, `::1`, `0.0.0.0`, `::`). */
  address: string;
  port: number;
  remoteAddress: string;
  remotePort: number;
  state: SocketState;
  /** Owning uid as the kernel records it; undefined where the platform does not say. */
  uid?: number;
  /** Socket inode (Linux); 0 or undefined when the socket has no file (TIME_WAIT). */
  inode?: number;
  /** Owning pids when the platform reports them in the same table (Windows, macOS). */
  pids?: number[];
  /** Accept queue: connections waiting to be accepted (Linux rx_queue of a listener). */
  acceptQueue?: number;
  /** Accept queue limit of a listener, where the platform reports it (not /proc/net/tcp). */
  acceptBacklog?: number;
}

/** A process as portier can see it. Fields it cannot read are undefined, never guessed. */
export interface ProcessInfo {
  pid: number;
  /** Short process name (`comm` on Linux, image name on Windows). */
  name?: string;
  /** Full command line, arguments joined by spaces. */
  command?: string;
  /** Login name of the owning user, or the uid as text when it has no name. */
  user?: string;
  uid?: number;
  /** Working directory; needs the same user or root on Linux. */
  cwd?: string;
  /** Parent pid. */
  ppid?: number;
}

/** A listening socket with everything known about who holds it. */
export interface Listener {
  protocol: Protocol;
  family: Family;
  address: string;
  port: number;
  exposure: ExposureKind;
  /** Every process sharing the socket (forked servers have several). */
  processes: ProcessInfo[];
  /** Owning uid from the socket table, even when no process could be seen. */
  uid?: number;
  /** Login name for `uid`, when it has one. */
  user?: string;
  /** True when the socket's owner could not be seen (another user's process, no permission). */
  ownerHidden: boolean;
  inode?: number;
  /** Connections waiting to be accepted (Linux only). */
  acceptQueue?: number;
  /** Most connections the accept queue holds, where the platform reports it (not /proc). */
  acceptBacklog?: number;
}
