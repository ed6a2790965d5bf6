/**
 * A bundled excerpt of the IANA "Service Name and Transport Protocol Port Number Registry"
 * (https://www.iana.org/assignments/service-names-port-numbers), TCP only: the well-known ports
 * and the registered ports a developer commonly meets. Bundled, never read at run time.
 *
 * Where IANA lists several names for one TCP port, the table keeps the one in common use (80
 * `http`, not `www`; 113 `auth`, not `ident`; 465 `submissions`, RFC 8314, not `urd`; 1701
 * `l2tp`, not `l2f`), else the first the registry lists (3000 `hbci`, not `remoteware-cl`).
 * Ports IANA has not assigned (9042, 25565, 57573, …) have no name here, even where a well-known
 * product uses them.
 */

// "PORT NAME" or "FIRST-LAST NAME" entries, comma-separated, ascending. Names are lowercase:
// RFC 6335 §5.1 makes service names case-insensitive (IANA spells 9092 `XmlIpcRegSvc`).
// One string parsed on first use keeps importing this module cheap.
const IANA_TCP_SERVICES = [
  '1 tcpmux,7 echo,9 discard,11 systat,13 daytime,17 qotd,19 chargen,20 ftp-data,21 ftp',
  '22 ssh,23 telnet,25 smtp,37 time,43 nicname,49 tacacs,53 domain,67 bootps,68 bootpc',
  '69 tftp,70 gopher,79 finger,80 http,88 kerberos,95 supdup,101 hostname,102 iso-tsap',
  '103 gppitnp,104 acr-nema,109 pop2,110 pop3,111 sunrpc,113 auth,115 sftp,117 uucp-path',
  '119 nntp,123 ntp,135 epmap,137 netbios-ns,138 netbios-dgm,139 netbios-ssn,143 imap',
  '161 snmp,162 snmptrap,179 bgp,194 irc,199 smux,389 ldap,427 svrloc,443 https,444 snpp',
  '445 microsoft-ds,464 kpasswd,465 submissions,500 isakmp,512 exec,513 login,514 shell',
  '515 printer,520 efs,526 tempo,530 courier,531 conference,532 netnews,540 uucp,543 klogin',
  '544 kshell,548 afpovertcp,554 rtsp,556 remotefs,563 nntps,587 submission',
  '593 http-rpc-epmap,601 syslog-conn,631 ipp,636 ldaps,646 ldp,749 kerberos-adm',
  '853 domain-s,873 rsync,989 ftps-data,990 ftps,992 telnets,993 imaps,995 pop3s,1080 socks',
  '1099 rmiregistry,1194 openvpn,1241 nessus,1352 lotusnote,1433 ms-sql-s,1434 ms-sql-m',
  '1521 ncube-lm,1604 icabrowser,1701 l2tp,1719 h323gatestat,1720 h323hostcall,1723 pptp',
  '1812 radius,1813 radius-acct,1863 msnp,1883 mqtt,1900 ssdp,2000 cisco-sccp,2049 nfs',
  '2083 radsec,2181 eforward,2375 docker,2376 docker-s,2377 swarm,2379 etcd-client',
  '2380 etcd-server,2401 cvspserver,2483 ttc,2484 ttc-ssl,2628 dict,3000 hbci',
  '3001 origo-native,3050 gds-db,3128 ndl-aas,3260 iscsi-target,3268 msft-gc',
  '3269 msft-gc-ssl,3306 mysql,3389 ms-wbt-server,3478 stun,3493 nut,3551 apcupsd',
  '3632 distcc,3659 apple-sasl,3690 svn,4000 terabase,4045 npp,4190 sieve,4369 epmd',
  '4443 pharos,4460 ntske,4840 opcua-tcp,4848 appserv-http,4949 munin,5000 commplex-main',
  '5001 commplex-link,5004 avt-profile-1,5005 avt-profile-2,5060 sip,5061 sips',
  '5222 xmpp-client,5269 xmpp-server,5349 stuns,5353 mdns,5354 mdnsresponder,5355 llmnr',
  '5432 postgresql,5433 pyrrho,5555 personal-agent,5631 pcanywheredata,5632 pcanywherestat',
  '5666 nrpe,5671 amqps,5672 amqp,5683 coap,5684 coaps,5900 rfb,5984 couchdb,5985 wsman',
  '5986 wsmans,6000-6063 x11,6346 gnutella-svc,6347 gnutella-rtr,6379 redis',
  '6443 sun-sr-https,6446 mysql-proxy,6514 syslog-tls,6566 sane-port,6600 mshvlm',
  '6665-6669 ircu,6679 osaut,6697 ircs-u,7000 afs3-fileserver,7001 afs3-callback,7070 arcp',
  '7100 font-service,7474 neo4j,7687 bolt,7777 cbt,8000 irdmi,8001 vcom-tunnel,8005 mxi',
  '8008 http-alt,8009 nvme-disc,8020 intu-ec-svcdisc,8080 http-alt,8081 sunproxyadmin',
  '8086 d-s-n,8088 radan-http,8140 puppet,8161 patrol-snmp,8200 trivnet1,8443 pcsync-https',
  '8500 fmtp,8880 cddbp-alt,8883 secure-mqtt,8888 ddi-tcp-1,9000 cslistener',
  '9001 etlservicemgr,9080 glrpc,9090 websm,9091 xmltec-xmlmail,9092 xmlipcregsvc',
  '9100 hp-pdl-datastr,9101 bacula-dir,9102 bacula-fd,9103 bacula-sd,9200 wap-wsp',
  '9300 vrace,9418 git,9443 tungsten-https,9999 distinct,10000 ndmp,10050 zabbix-agent',
  '10051 zabbix-trapper,10080 amanda,10809 nbd,11112 dicom,11211 memcache,11371 hkp',
  '17500 db-lsp,26257 cockroach,27017 mongodb,32400 plex',
].join(',');

let servicesByPort: ReadonlyMap<number, string> | undefined;

/** Parses {@link IANA_TCP_SERVICES} once into a port → name map (about 300 entries). */
function serviceTable(): ReadonlyMap<number, string> {
  if (servicesByPort !== undefined) return servicesByPort;
  const table = new Map<number, string>();
  for (const entry of IANA_TCP_SERVICES.split(',')) {
    const [ports = '', name = ''] = entry.split(' ');
    const [first = Number.NaN, last = first] = ports.split('-').map(Number);
    for (let port = first; port <= last; port++) table.set(port, name);
  }
  servicesByPort = table;
  return table;
}

/**
 * The IANA service name registered for a TCP port, such as `postgresql` for 5432 or `x11` for
 * 6000–6063, in lowercase.
 *
 * @param port TCP port number, 0–65535.
 * @returns The name, or undefined when IANA has not assigned the port, the bundled table leaves
 * it out, or `port` is not a port number.
 */
export function ianaServiceName(port: number): string | undefined {
  return serviceTable().get(port);
}
