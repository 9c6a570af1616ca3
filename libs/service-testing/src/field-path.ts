/**
 * Paths of body fields as the tables write them: `key`, `samples[].at` (`[]`: the first item).
 * A path is read as steps (property names and item indexes) and shown as the service names it
 * (`samples[0].at`).
 */
export type PathStep = string | number;

export function pathSteps(path: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]+)((?:\[\d*\])*)$/.exec(part);
    if (!match) throw new Error(`not a field path: ${JSON.stringify(path)} (write fields as "a.b" and items as "list[]")`);
    steps.push(match[1]!);
    for (const index of match[2]!.match(/\[(\d*)\]/g) ?? []) steps.push(Number(index.slice(1, -1) || 0));
  }
  return steps;
}

/** `samples[0].at`: the way validation errors name a field. */
export function fieldLabel(path: string): string {
  return pathSteps(path)
    .map((step, index) => (typeof step === 'number' ? `[${step}]` : index === 0 ? step : `.${step}`))
    .join('');
}

/** A copy of `value` with the field at `path` set to `field` (or removed when `field` is `REMOVE`). */
export function withField(value: unknown, path: string, field: unknown): unknown {
  return replaceAt(value, pathSteps(path), field);
}

/** Stands for "leave the field out" in `withField`. */
export const REMOVE = Symbol('remove the field');

function replaceAt(value: unknown, steps: PathStep[], field: unknown): unknown {
  const [step, ...rest] = steps;
  if (step === undefined) return field;
  if (typeof step === 'number') {
    if (!Array.isArray(value)) throw new Error(`the valid request has no list where an item [${step}] is expected`);
    const copy = [...(value as unknown[])];
    if (rest.length === 0 && field === REMOVE) copy.splice(step, 1);
    else copy[step] = replaceAt(copy[step], rest, field);
    return copy;
  }
  const record = value !== null && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : {};
  if (rest.length === 0 && field === REMOVE) delete record[step];
  else record[step] = replaceAt(record[step], rest, field);
  return record;
}

/** The value at `path`, or undefined. */
export function fieldAt(value: unknown, path: string): unknown {
  let current = value;
  for (const step of pathSteps(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
