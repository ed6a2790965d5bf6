import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';

/**
 * Network namespaces made for one test (`ip netns add`), with their own loopback: a listener,
 * a packet filter or a client inside one cannot touch the machine's real network. Each is
 * deleted when the test ends.
 */

function which(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** Absolute paths of the tools, or undefined when not installed. */
export const IP = which('ip');
export const NFT = which('nft');
export const IPTABLES = which('iptables');
export const UNSHARE = which('unshare');

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  if (process.platform !== 'linux')
    return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return `creating a network namespace needs root (running as uid ${process.getuid?.()})`;
  if (!IP) return 'ip(8) is not installed (Debian package iproute2)';
  return undefined;
}

/** Why a packet filter rule cannot be added in a namespace, or undefined when it can. */
export function packetFilterSkipReason(): string | undefined {
  return (
    netnsSkipReason() ??
    (NFT || IPTABLES
      ? undefined
      : 'neither nft(8) nor iptables(8) is installed (Debian package nftables)')
  );
}

/** Why a private mount namespace cannot be made here, or undefined when it can. */
export function mountNamespaceSkipReason(): string | undefined {
  if (process.platform !== 'linux')
    return `mount namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return `unshare -m needs root (running as uid ${process.getuid?.()})`;
  if (!UNSHARE) return 'unshare(1) is not installed (Debian package util-linux)';
  return undefined;
}

/** Creates a network namespace with loopback up; deleted when the test ends. Returns its name. */
export function createNetns(): string {
  const name = `portier-t-${randomBytes(4).toString('hex')}`;
  execFileSync(IP!, ['netns', 'add', name]);
  onTestFinished(() => {
    spawnSync(IP!, ['netns', 'del', name]);
  });
  execFileSync(IP!, ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** Command prefix that runs a program inside namespace `name` (`ip netns exec` execs it: same pid). */
export function inNetns(name: string): string[] {
  return [IP!, 'netns', 'exec', name];
}

/**
 * Adds a rule inside namespace `name` that drops (no answer) or rejects (TCP reset) TCP
 * connections to `port`. nft when installed, else iptables; the rule dies with the namespace.
 */
export function blockTcpPort(name: string, port: number, verdict: 'drop' | 'reject'): void {
  if (NFT) {
    const action = verdict === 'drop' ? 'drop' : 'reject with tcp reset';
    const ruleset = [
      'table inet portier_test {',
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      `    tcp dport ${port} ${action}`,
      '  }',
      '}',
      '',
    ].join('\n');
    execFileSync(IP!, ['netns', 'exec', name, NFT, '-f', '-'], { input: ruleset });
    return;
  }
  const target =
    verdict === 'drop' ? ['-j', 'DROP'] : ['-j', 'REJECT', '--reject-with', 'tcp-reset'];
  execFileSync(IP!, [
    'netns',
    'exec',
    name,
    IPTABLES!,
    '-A',
    'INPUT',
    '-p',
    'tcp',
    '--dport',
    String(port),
    ...target,
  ]);
}
