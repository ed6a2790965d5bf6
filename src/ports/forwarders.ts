import type { ProcessInfo } from '../sockets/model.js';

/**
 * Processes that only forward a port for something else (a container, a VM, WSL). Killing one
 * breaks the thing behind it without stopping it; the fix is to stop that thing instead.
 */
const FORWARDERS: Record<string, string> = {
  'docker-proxy':
    'Docker publishes a container port through it; stop the container (`docker ps`, `docker stop`).',
  rootlessport: 'rootless Podman/Docker forwards a container port through it; stop the container.',
  rootlesskit: 'rootless containers forward ports through it; stop the container.',
  slirp4netns: 'rootless containers forward ports through it; stop the container.',
  gvproxy: 'Podman machine forwards ports through it; stop the container.',
  vpnkit: 'Docker Desktop forwards ports through it; stop the container.',
  'com.docker.backend': 'Docker Desktop forwards ports through it; stop the container.',
  'wslrelay.exe': 'WSL forwards a Linux port to Windows through it; stop the server inside WSL.',
  wslrelay: 'WSL forwards a Linux port to Windows through it; stop the server inside WSL.',
};

/** Why `process` is a port forwarder, or undefined when it is not one. */
export function forwarderReason(process: ProcessInfo): string | undefined {
  const name = process.name ?? process.command?.split(' ')[0]?.split(/[/\\]/).pop();
  if (name === undefined) return undefined;
  return FORWARDERS[name] ?? FORWARDERS[name.toLowerCase()];
}
