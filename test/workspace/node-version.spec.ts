import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * The Node versions the project asks for, said once and the same everywhere: the Node a user
 * installs only runs `npm ci` (package.json `engines`, which npm checks at install, and the README
 * say which); everything after runs on the Node the `node` package installs (`.nvmrc` names its major).
 */

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const manifest = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };

describe('Node versions', () => {
  it('the README states the versions package.json engines declares', () => {
    expect(read('README.md')).toContain(`Node.js \`${manifest.engines.node}\` with npm`);
  });

  it('.nvmrc names the major of the Node every npm script runs on', () => {
    const installed = manifest.devDependencies['node']!;
    expect(read('.nvmrc').trim()).toBe(installed.split('.')[0]);
  });
});
