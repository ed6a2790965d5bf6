import { serviceNameProblem } from './names.js';
import type { ParsedStack } from './parse-stack-yaml.js';
import { ProblemList, type Where } from './problems.js';
import { emptyServiceSpec, type ServiceSpec } from './stack-spec.js';

/** `name: command`, as Heroku and foreman read it. */
const PROCFILE_LINE = /^([A-Za-z0-9_-]+):[ \t]*(.*)$/;

/**
 * Reads a Procfile: one `name: command` per line; blank lines and `#` comments are skipped.
 * Each line becomes a shell-command service with every default (port `auto`, no
 * dependencies). Underscores in names become `-`, since names become hostnames. A line of
 * another form, an empty command and a repeated name are problems at their line.
 */
export function parseProcfile(text: string, file: string): ParsedStack {
  const problems = new ProblemList();
  const services: ServiceSpec[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where: Where = { file, line: index + 1, column: indent + 1, path: '' };
    const match = PROCFILE_LINE.exec(line);
    if (!match) {
      problems.add(where, `expected "name: command", got ${JSON.stringify(line)}`);
      return;
    }
    const [, written = '', command = ''] = match;
    const name = written.replaceAll('_', '-').toLowerCase();
    const at = { ...where, path: name };
    const invalid = serviceNameProblem(name);
    if (invalid) problems.add(at, invalid);
    if (command.trim() === '') {
      problems.add(
        { ...at, column: indent + written.length + 2 },
        `process "${written}" has no command`,
      );
    } else if (services.some((service) => service.name === name)) {
      problems.add(at, `process "${written}" is defined twice`);
    } else if (!invalid) {
      const spec = emptyServiceSpec(name, at);
      spec.command = { kind: 'shell', script: command.trim() };
      services.push(spec);
    }
  });
  if (services.length === 0 && problems.size === 0) {
    problems.add(
      { file, line: 1, column: 1, path: '' },
      'the Procfile has no processes; add lines like "web: npm start"',
    );
  }
  return { spec: { file, services }, problems: problems.items };
}
