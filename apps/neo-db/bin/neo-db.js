#!/usr/bin/env node
// The `neo-db` command: runs the compiled CLI (`npm run build` compiles it; `npm start` does too).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('neo-db is not built yet: run `npm run build` in the repository first.');
  process.exit(1);
}
await import(main.href);
