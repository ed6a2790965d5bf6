import type { CommandSpec } from './command.js';

/** A command name with its one-line summary and a lazy loader (only the run command loads). */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandSpec>;
}

/** Every command, in the order `portier --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'ls',
    summary: 'list listening sockets with their processes and exposure',
    load: async () => (await import('./commands/ls.js')).lsCommand,
  },
  {
    name: 'who',
    summary: 'who holds a port, on every address and family',
    load: async () => (await import('./commands/who.js')).whoCommand,
  },
  {
    name: 'port',
    summary: 'facts about a port number on this machine',
    load: async () => (await import('./commands/port.js')).portCommand,
  },
  {
    name: 'pick',
    summary: 'free loopback port(s), leased so no other portier gets them',
    load: async () => (await import('./commands/pick.js')).pickCommand,
  },
  {
    name: 'kill',
    summary: 'free a port: stop every process holding it, verify it is free',
    load: async () => (await import('./commands/kill.js')).killCommand,
  },
  {
    name: 'check',
    summary: 'probe a target once and classify the outcome per address',
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  {
    name: 'wait',
    summary: 'wait until targets are ready (or a port is free), then run a command',
    load: async () => (await import('./commands/wait.js')).waitCommand,
  },
  {
    name: 'doctor',
    summary: 'why a target cannot be reached: cause, evidence, fix (or a loopback self-test)',
    load: async () => (await import('./commands/doctor.js')).doctorCommand,
  },
  {
    name: 'serve',
    summary: 'serve a folder on 127.0.0.1:57573 with live reload and path proxies',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    name: 'up',
    summary: 'start the stack (portier.yaml, Procfile, workspaces) in order, on loopback ports',
    load: async () => (await import('./commands/up.js')).upCommand,
  },
  {
    name: 'down',
    summary: 'stop the running stack of this project',
    load: async () => (await import('./commands/down.js')).downCommand,
  },
  {
    name: 'ps',
    summary: 'services of the running stack: state, pid, address, restarts',
    load: async () => (await import('./commands/ps.js')).psCommand,
  },
  {
    name: 'logs',
    summary: "search and follow the stack's logs across services",
    load: async () => (await import('./commands/logs.js')).logsCommand,
  },
  {
    name: 'restart',
    summary: 'restart services of the running stack',
    load: async () => (await import('./commands/service-control.js')).restartCommand,
  },
  {
    name: 'stop',
    summary: 'stop services of the running stack',
    load: async () => (await import('./commands/service-control.js')).stopCommand,
  },
  {
    name: 'start',
    summary: 'start stopped services of the running stack',
    load: async () => (await import('./commands/service-control.js')).startCommand,
  },
  {
    name: 'run',
    summary: 'run one app on a free port, named http://<name>.localhost:57573',
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  {
    name: 'alias',
    summary: 'name something portier does not run: http://<name>.localhost:57573',
    load: async () => (await import('./commands/alias.js')).aliasCommand,
  },
  {
    name: 'routes',
    summary: 'list the named URLs of the front door',
    load: async () => (await import('./commands/routes.js')).routesCommand,
  },
  {
    name: 'door',
    summary: 'the shared front door on 127.0.0.1:57573: status, stop',
    load: async () => (await import('./commands/door.js')).doorCommand,
  },
];
