import { readFileSync } from 'node:fs';
import { numberFieldNames } from './field-guide.js';
import { formatPath } from './field-path.js';
import { isSecretVariable } from './redact-secrets.js';
import { appSettingsSchema } from './seed-service-config.js';
import type { TopologyProblem } from './topology.error.js';
import { topologySchema } from './topology.schema.js';

export type Env = Record<string, string | undefined>;

export interface InterpolationOptions {
  /**
   * Fields (by path, `services.storage.roles.owner.password`) that are left out, rather than
   * reported, when their variable is unset and has no default.
   */
  mayBeUnset?: (path: string) => boolean;
}

/** What a field left out by `mayBeUnset` becomes while the tree is walked; removed before returning. */
const LEFT_OUT = Symbol('left out');

export interface InterpolationResult {
  /** The input with every `${VAR}` replaced; a string with an unresolved reference is left as written. */
  value: unknown;
  problems: TopologyProblem[];
  /** Values taken from variables whose name marks a secret (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`). */
  secrets: Set<string>;
}

/**
 * Fields that hold numbers, from the schemas. A whole value such as `port: ${PG_PORT:-5432}` is a
 * string to YAML, so at these keys an interpolated value that reads as a number becomes one.
 */
const NUMERIC_FIELDS = numberFieldNames(topologySchema, appSettingsSchema);

// `$${` is an escaped, literal `${`; `${NAME}` and `${NAME:-default}` are references.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value (not in keys), the way a
 * shell or docker compose does: the default applies when VAR is unset or empty. When VAR is
 * unset and `VAR_FILE` names a file, the file's content is the value (Docker and Kubernetes
 * secrets are mounted as files); one trailing newline is dropped.
 * A missing variable without a default is reported with the variable and the field path.
 */
export function interpolateEnv(value: unknown, env: Env, options: InterpolationOptions = {}): InterpolationResult {
  const problems: TopologyProblem[] = [];
  const secrets = new Set<string>();

  const interpolateString = (text: string, path: PropertyKey[]): string | number | typeof LEFT_OUT => {
    if (!text.includes('${')) return text;
    let unresolved = false;
    let leftOut = false;
    const result = text.replace(REFERENCE, (match, expression: string | undefined) => {
      if (match === '$${') return '${';
      const parsed = expression === undefined ? null : EXPRESSION.exec(expression);
      if (!parsed) {
        unresolved = true;
        problems.push({
          path: formatPath(path),
          problem: expression === undefined ? 'has a "${" that is never closed' : 'has a malformed "${…}" reference',
          hint: 'write ${NAME} or ${NAME:-default} (NAME: letters, digits and "_"); write $${ for a literal "${"',
        });
        return match;
      }
      const [, name, fallback] = parsed as unknown as [string, string, string | undefined];
      const fromEnv = env[name];
      let resolved = fromEnv === undefined || fromEnv === '' ? fallback : fromEnv;
      const secretFile = fromEnv === undefined || fromEnv === '' ? env[`${name}_FILE`] : undefined;
      if (secretFile) {
        const fromFile = readSecretFile(secretFile);
        if (!fromFile.ok) {
          unresolved = true;
          problems.push({
            path: formatPath(path),
            problem: `the secret file named by ${name}_FILE cannot be read (${fromFile.code})`,
            hint: `point ${name}_FILE at a readable file holding the value, or set ${name} instead`,
          });
          return match;
        }
        resolved = fromFile.value;
      }
      if (resolved === undefined && options.mayBeUnset?.(formatPath(path))) {
        leftOut = true;
        return match;
      }
      if (resolved === undefined) {
        unresolved = true;
        problems.push({
          path: formatPath(path),
          problem: `environment variable ${name} is not set`,
          hint: `set ${name}, or write \${${name}:-<default>} to give a default`,
        });
        return match;
      }
      if (isSecretVariable(name) && resolved !== '') secrets.add(resolved);
      return resolved;
    });
    const key = path.at(-1);
    if (!unresolved && typeof key === 'string' && NUMERIC_FIELDS.has(key) && /^-?\d+(\.\d+)?$/.test(result.trim())) {
      return Number(result.trim());
    }
    if (leftOut && !unresolved) return LEFT_OUT;
    return unresolved ? text : result;
  };

  const visit = (v: unknown, path: PropertyKey[]): unknown => {
    if (typeof v === 'string') return interpolateString(v, path);
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .map(([k, child]) => [k, visit(child, [...path, k])])
          .filter(([, child]) => child !== LEFT_OUT),
      );
    }
    return v;
  };

  return { value: visit(value, []), problems, secrets };
}

/** A secret file's content without its trailing newline; only an error code on failure (never a path's content). */
function readSecretFile(file: string): { ok: true; value: string } | { ok: false; code: string } {
  try {
    return { ok: true, value: readFileSync(file, 'utf8').replace(/\r?\n$/, '') };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}
