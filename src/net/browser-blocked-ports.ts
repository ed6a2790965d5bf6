/**
 * The WHATWG Fetch "bad port" list (https://fetch.spec.whatwg.org/#port-blocking), as of the
 * addition of port 0 (whatwg/fetch#1847, 2025). Browsers refuse to fetch from or navigate to an
 * http(s) URL on one of these ports without opening a connection: Chromium shows
 * ERR_UNSAFE_PORT, Firefox "This address is restricted", and Node's `fetch` (undici) fails with
 * `bad port` (undici's copy of the list predates port 0). So a dev server listening on one of
 * them answers curl but not a browser.
 *
 * Each port's comment names the service it is known for.
 */
export const BROWSER_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  0, // reserved; blocked by Chromium long before the spec added it
  1, // tcpmux
  7, // echo
  9, // discard
  11, // systat
  13, // daytime
  15, // netstat
  17, // qotd
  19, // chargen
  20, // ftp-data
  21, // ftp
  22, // ssh
  23, // telnet
  25, // smtp
  37, // time
  42, // name
  43, // nicname
  53, // domain
  69, // tftp
  77, // priv-rjs
  79, // finger
  87, // ttylink
  95, // supdup
  101, // hostname
  102, // iso-tsap
  103, // gppitnp
  104, // acr-nema
  109, // pop2
  110, // pop3
  111, // sunrpc
  113, // auth
  115, // sftp
  117, // uucp-path
  119, // nntp
  123, // ntp
  135, // epmap
  137, // netbios-ns
  139, // netbios-ssn
  143, // imap
  161, // snmp
  179, // bgp
  389, // ldap
  427, // svrloc (AFP)
  465, // submissions
  512, // exec
  513, // login
  514, // shell
  515, // printer
  526, // tempo
  530, // courier
  531, // chat
  532, // netnews
  540, // uucp
  548, // afp
  554, // rtsp
  556, // remotefs
  563, // nntp+ssl
  587, // submission
  601, // syslog-conn
  636, // ldap+ssl
  989, // ftps-data
  990, // ftps
  993, // imap+ssl
  995, // pop3+ssl
  1719, // h323gatestat
  1720, // h323hostcall
  1723, // pptp
  2049, // nfs
  3659, // apple-sasl
  4045, // npp
  4190, // sieve
  5060, // sip
  5061, // sips
  6000, // x11
  6566, // sane-port
  6665, // irc
  6666, // irc
  6667, // irc
  6668, // irc
  6669, // irc
  6679, // osaut
  6697, // ircs-u
  10080, // amanda
]);

/**
 * Whether browsers (and Node's `fetch`) refuse http(s) requests to `port` as a WHATWG Fetch
 * "bad port" — see {@link BROWSER_BLOCKED_PORTS}. A server there is fine for curl and other
 * clients, but a page or `fetch()` cannot reach it (ERR_UNSAFE_PORT in Chromium).
 *
 * @param port TCP port number, 0–65535.
 */
export function isBrowserBlockedPort(port: number): boolean {
  return BROWSER_BLOCKED_PORTS.has(port);
}
