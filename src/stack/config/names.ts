/** Longest DNS label (RFC 1035 §2.3.4); project and service names become hostname labels. */
export const MAX_LABEL_LENGTH = 63;

/** What a service name may look like: it becomes `<service>.<project>.localhost`. */
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]*$/i;

/**
 * Makes text a DNS-safe lower-case label: runs of anything but `a-z0-9` become `-`, ends are
 * trimmed, at most 63 characters. `My Shop!` → `my-shop`; `@shop/api` → `shop-api`. May be `''`.
 */
export function toDnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_LABEL_LENGTH)
    .replace(/-+$/, '');
}

/** Why `name` cannot be a service name, or `undefined` when it can. */
export function serviceNameProblem(name: string): string | undefined {
  if (!SERVICE_NAME.test(name)) {
    return `service name "${name}" may only have letters, digits and "-", starting with a letter or digit`;
  }
  if (name.length > MAX_LABEL_LENGTH) {
    return `service name "${name}" is longer than ${MAX_LABEL_LENGTH} characters`;
  }
  // Allowed by the pattern but not in a hostname label (RFC 1123 §2.1).
  if (name.endsWith('-')) return `service name "${name}" must not end with "-"`;
  return undefined;
}

/** A service name from a package name: its last segment, made a label (`@shop/api` → `api`). */
export function serviceNameFromPackage(packageName: string): string {
  const last = packageName.split('/').pop() ?? packageName;
  return toDnsLabel(last);
}
