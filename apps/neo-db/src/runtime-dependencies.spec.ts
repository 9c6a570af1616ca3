import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from './workspace-paths.js';

/*
 * `npm ci --omit=dev` must leave a working CLI: every package neo-db (or a workspace library it
 * uses) imports at run time must be a dependency, not a devDependency. The imports are read from
 * the sources, so a new one is checked as soon as it is written.
 */
const root = findWorkspaceRoot();
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  workspaces: string[];
};

/** Workspace packages by name → their source folder. */
function workspaceSources(): Map<string, string> {
  const found = new Map<string, string>();
  for (const pattern of rootPackage.workspaces) {
    const folders = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => join(root, pattern.slice(0, -2), name))
      : [join(root, pattern)];
    for (const folder of folders) {
      const manifest = join(folder, 'package.json');
      if (existsSync(manifest)) found.set((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, join(folder, 'src'));
    }
  }
  return found;
}

/** Source files that run in production: no tests, fixtures or test helpers. */
function runtimeFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'test-support' || name === 'generated' ? [] : runtimeFiles(path);
    return /\.ts$/.test(name) && !/\.(spec|it|test)\.ts$/.test(name) ? [path] : [];
  });
}

/** Packages a file loads at run time (`import type` and `export type` are erased by the compiler). */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)].map((match) => match[1]!),
    ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((match) => match[1]!),
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => match[1]!),
  ];
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

describe('the neo-db package', () => {
  it('has every package it imports at run time among the dependencies (npm ci --omit=dev keeps it working)', () => {
    const workspaces = workspaceSources();
    const dependencies = new Set(Object.keys(rootPackage.dependencies ?? {}));
    const missing = new Set<string>();
    const visited = new Set<string>();
    const visit = (folder: string) => {
      if (visited.has(folder)) return;
      visited.add(folder);
      for (const file of runtimeFiles(folder)) {
        for (const name of importedPackages(file)) {
          const workspace = workspaces.get(name);
          if (workspace) visit(workspace);
          else if (!dependencies.has(name)) missing.add(`${name} (imported by ${relative(root, file)})`);
        }
      }
    };
    visit(workspaces.get('@neo/neo-db')!);
    expect([...visited].map((folder) => relative(root, folder))).toContain('libs/data/src');
    expect([...missing]).toEqual([]);
  });

  it('is a command: its bin exists and is executable', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'apps/neo-db/package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(Object.keys(manifest.bin ?? {})).toEqual(['neo-db']);
    const bin = join(root, 'apps/neo-db', manifest.bin!['neo-db']!);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
