// Lets a plain Node script import the workspace's TypeScript sources without a build step:
//   import '../typescript-sources.mjs'; const { x } = await import('@neo/topology-runtime');
// or for a whole script: node --import ./tools/typescript-sources.mjs bench/sharding.bench.ts
// - workspace packages resolve to their sources (the `@neo/source` export condition, as in tests);
// - `./file.js` imported from a .ts file resolves to `./file.ts` (the nodenext convention);
// - .ts files are compiled one by one with the workspace's TypeScript (`transpileModule`), which,
//   unlike Node's built-in type stripping, also handles the decorators NestJS code uses.
// Hand-written because it is two small hooks on Node's built-in API; no extra package needed.
import { existsSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const ts = createRequire(import.meta.url)('typescript');
const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: true,
  inlineSourceMap: true,
};

const SOURCE_CONDITION = '@neo/source';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const conditions = context.conditions.includes(SOURCE_CONDITION) ? context.conditions : [...context.conditions, SOURCE_CONDITION];
    const parentIsTypeScript = context.parentURL?.startsWith('file:') && context.parentURL.endsWith('.ts');
    if (parentIsTypeScript && specifier.startsWith('.') && specifier.endsWith('.js')) {
      const typeScriptUrl = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      const javaScriptUrl = new URL(specifier, context.parentURL);
      if (!existsSync(fileURLToPath(javaScriptUrl)) && existsSync(fileURLToPath(typeScriptUrl))) {
        return nextResolve(typeScriptUrl.href, { ...context, conditions });
      }
    }
    return nextResolve(specifier, { ...context, conditions });
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
    const loaded = nextLoad(url, { ...context, format: 'module' });
    const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: fileURLToPath(url) });
    return { format: 'module', source: outputText, shortCircuit: true };
  },
});
